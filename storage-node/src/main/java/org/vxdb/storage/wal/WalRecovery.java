package org.vxdb.storage.wal;

import static org.vxdb.storage.wal.WalRecordDescriptor.ALIGNMENT;
import static org.vxdb.storage.wal.WalRecordDescriptor.CHECKSUM_COVERAGE_OFFSET;
import static org.vxdb.storage.wal.WalRecordDescriptor.CHECKSUM_OFFSET;
import static org.vxdb.storage.wal.WalRecordDescriptor.HEADER_LENGTH;
import static org.vxdb.storage.wal.WalRecordDescriptor.INT_LAYOUT;
import static org.vxdb.storage.wal.WalRecordDescriptor.LENGTH_OFFSET;
import static org.vxdb.storage.wal.WalRecordDescriptor.LONG_LAYOUT;
import static org.vxdb.storage.wal.WalRecordDescriptor.LSN_OFFSET;
import static org.vxdb.storage.wal.WalRecordDescriptor.PAYLOAD_OFFSET;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every WAL file of a directory in LSN order, replays the records above the replay point and
 * cuts a torn tail off the last file. Anything else that is wrong is a {@link WalCorruptionException}.
 */
final class WalRecovery {

    /** LSNs start at 1; 0 means "no record". */
    static final long NO_LSN = 0;

    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

    /**
     * @param closedFiles every file but the last, in LSN order
     * @param lastFile    the file appends continue in, or null when the directory holds none
     * @param lastFileBytes valid bytes of {@code lastFile} (after cutting a torn tail)
     * @param lastLsn     LSN of the last valid record, or {@link #NO_LSN}
     */
    record Result(List<WalFile> closedFiles, WalFile lastFile, long lastFileBytes, long lastLsn) {
    }

    private final long replayAfterLsn;
    private final WalReplayHandler handler;
    private final CRC32C crc = new CRC32C();
    private long lastLsn = NO_LSN;

    private WalRecovery(long replayAfterLsn, WalReplayHandler handler) {
        this.replayAfterLsn = replayAfterLsn;
        this.handler = handler;
    }

    static Result recover(Path dir, long replayAfterLsn, WalReplayHandler handler) {
        return new WalRecovery(replayAfterLsn, handler).recover(WalFiles.list(dir));
    }

    private Result recover(List<Path> files) {
        List<WalFile> closed = new ArrayList<>();
        WalFile last = null;
        long lastBytes = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            boolean isLast = i == files.size() - 1;
            long nextFileFirstLsn = isLast ? Long.MAX_VALUE : WalFiles.firstLsn(files.get(i + 1));
            long firstLsn = WalFiles.firstLsn(file);
            long validBytes = scanFile(file, firstLsn, nextFileFirstLsn, isLast);
            WalFile walFile = new WalFile(file, firstLsn, Math.max(lastLsn, firstLsn - 1));
            if (isLast) {
                last = walFile;
                lastBytes = validBytes;
            } else {
                closed.add(walFile);
            }
        }
        return new Result(List.copyOf(closed), last, lastBytes, lastLsn);
    }

    /** Replays one file and returns how many of its bytes are valid records. */
    private long scanFile(Path file, long firstLsn, long nextFileFirstLsn, boolean isLast) {
        long size;
        long offset = 0;
        String problem = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            size = channel.size();
            MemorySegment data = size == 0
                    ? MemorySegment.NULL
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            while (offset < size) {
                problem = problemAt(data, offset);
                if (problem != null) {
                    if (!isLast || hasValidRecordAfter(data, offset)) {
                        throw new WalCorruptionException(file, offset, problem);
                    }
                    break;
                }
                int length = data.get(INT_LAYOUT, offset + LENGTH_OFFSET);
                long lsn = data.get(LONG_LAYOUT, offset + LSN_OFFSET);
                checkOrder(file, offset, lsn, firstLsn, nextFileFirstLsn);
                if (lsn > replayAfterLsn) {
                    handler.onRecord(lsn, data.asSlice(offset + PAYLOAD_OFFSET, length).asReadOnly());
                }
                lastLsn = lsn;
                offset += WalRecordDescriptor.frameLength(length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read WAL file " + file + ": " + e.getMessage(), e);
        }
        if (offset < size) {
            truncateTornTail(file, offset, size, problem);
        }
        return offset;
    }

    private void checkOrder(Path file, long offset, long lsn, long firstLsn, long nextFileFirstLsn) {
        if (lsn <= lastLsn) {
            throw new WalCorruptionException(file, offset,
                    "LSN " + lsn + " is not greater than the previous LSN " + lastLsn);
        }
        if (lsn < firstLsn) {
            throw new WalCorruptionException(file, offset,
                    "LSN " + lsn + " is below the first LSN " + firstLsn + " in the file name");
        }
        if (lsn >= nextFileFirstLsn) {
            throw new WalCorruptionException(file, offset,
                    "LSN " + lsn + " is not below the first LSN " + nextFileFirstLsn + " of the next file");
        }
    }

    /** Why the record at {@code offset} is not valid, or null if it is. */
    private String problemAt(MemorySegment data, long offset) {
        long left = data.byteSize() - offset;
        if (left < HEADER_LENGTH) {
            return "record header cut short: " + left + " of " + HEADER_LENGTH + " bytes";
        }
        int length = data.get(INT_LAYOUT, offset + LENGTH_OFFSET);
        if (!WalRecordDescriptor.isValidPayloadLength(length)) {
            return "invalid payload length " + length;
        }
        int frameLength = WalRecordDescriptor.frameLength(length);
        if (frameLength > left) {
            return "record of " + frameLength + " bytes cut short: " + left + " bytes left in the file";
        }
        crc.reset();
        crc.update(data.asSlice(offset + CHECKSUM_COVERAGE_OFFSET,
                WalRecordDescriptor.checksumCoverage(length)).asByteBuffer());
        if ((int) crc.getValue() != data.get(INT_LAYOUT, offset + CHECKSUM_OFFSET)) {
            return "CRC mismatch";
        }
        return null;
    }

    /**
     * Whether a valid record with a later LSN starts anywhere after a bad one. If so the bad record is
     * damage in the middle of the log, not a write cut short by a crash.
     */
    private boolean hasValidRecordAfter(MemorySegment data, long badOffset) {
        for (long offset = badOffset + ALIGNMENT; offset + HEADER_LENGTH <= data.byteSize(); offset += ALIGNMENT) {
            if (problemAt(data, offset) == null && data.get(LONG_LAYOUT, offset + LSN_OFFSET) > lastLsn) {
                return true;
            }
        }
        return false;
    }

    private static void truncateTornTail(Path file, long validBytes, long size, String problem) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(validBytes);
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate torn tail of WAL file " + file + " at offset "
                    + validBytes + ": " + e.getMessage(), e);
        }
        LOG.warn("Truncated torn tail of WAL file {} at offset {} ({} bytes dropped): {}",
                file, validBytes, size - validBytes, problem);
    }
}
