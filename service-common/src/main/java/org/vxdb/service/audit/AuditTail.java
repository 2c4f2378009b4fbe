package org.vxdb.service.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The end of an audit file as found when it is opened: its last complete line (ended by a newline)
 * and what follows it, a torn line a crash left half written. Only the last
 * {@code 2 * MAX_LINE_BYTES} bytes are read.
 *
 * @param lastLine     the last complete line without its newline; null when the file has none
 * @param completeEnd  the offset just after the last newline: the length the file has without a torn line
 * @param torn         the bytes after the last newline; empty when the file ends with a newline
 */
record AuditTail(byte[] lastLine, long completeEnd, byte[] torn) {

    static AuditTail read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        long start = Math.max(0, size - 2L * AuditLineFormat.MAX_LINE_BYTES - 2);
        byte[] window = new byte[(int) (size - start)];
        ByteBuffer buffer = ByteBuffer.wrap(window);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, start + buffer.position()) < 0) {
                throw new IOException(file + ": shrank while being read");
            }
        }
        int lastNewline = lastNewline(window, window.length - 1);
        if (lastNewline < 0) {
            if (start > 0) {
                throw new IOException(file + ": not an audit log: its last " + window.length
                        + " bytes hold no line end");
            }
            return new AuditTail(null, 0, window);
        }
        int lineStart = lastNewline(window, lastNewline - 1) + 1;
        if (lineStart == 0 && start > 0) {
            throw new IOException(file + ": not an audit log: its last line is longer than "
                    + AuditLineFormat.MAX_LINE_BYTES + " bytes");
        }
        return new AuditTail(Arrays.copyOfRange(window, lineStart, lastNewline), start + lastNewline + 1,
                Arrays.copyOfRange(window, lastNewline + 1, window.length));
    }

    private static int lastNewline(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
