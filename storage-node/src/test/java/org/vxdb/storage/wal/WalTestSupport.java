package org.vxdb.storage.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Helpers shared by the WAL tests. */
final class WalTestSupport {

    private WalTestSupport() {
    }

    /** A record as the replay handler saw it, copied out of the mapping. */
    record Replayed(long lsn, String payload) {
    }

    /** Collects replayed records. */
    static final class Recorder implements WalReplayHandler {
        final List<Replayed> records = new ArrayList<>();

        @Override
        public void onRecord(long lsn, MemorySegment payload) {
            records.add(new Replayed(lsn, new String(payload.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8)));
        }
    }

    static WalConfig config(FsyncPolicy policy) {
        return new WalConfig(policy, Duration.ofMillis(1), 1024 * 1024, 4096);
    }

    static MemorySegment text(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    static WalReplayHandler ignoreRecords() {
        return (lsn, payload) -> { };
    }

    /** Opens the WAL, collects what it replays and closes it again. */
    static List<Replayed> replay(Path dir, WalConfig config, long replayAfterLsn) {
        Recorder recorder = new Recorder();
        WriteAheadLog.open(dir, config, replayAfterLsn, recorder).close();
        return recorder.records;
    }

    static List<Replayed> records(long firstLsn, String... payloads) {
        List<Replayed> records = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            records.add(new Replayed(firstLsn + i, payloads[i]));
        }
        return records;
    }

    static void appendAll(WriteAheadLog wal, String... payloads) {
        for (String payload : payloads) {
            wal.append(text(payload));
        }
    }

    static List<String> walFileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
    }

    static Path walFile(Path dir, long firstLsn) {
        return dir.resolve(WalFiles.fileName(firstLsn));
    }

    /** One frame encoded straight from the descriptor, independently of the writer. */
    static byte[] frame(long lsn, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(WalRecordDescriptor.frameLength(payload.length))
                .order(WalRecordDescriptor.BYTE_ORDER);
        ByteBuffer covered = ByteBuffer.allocate(WalRecordDescriptor.checksumCoverage(payload.length))
                .order(WalRecordDescriptor.BYTE_ORDER).putLong(lsn).put(payload).flip();
        CRC32C crc = new CRC32C();
        crc.update(covered);
        frame.putInt(WalRecordDescriptor.LENGTH_OFFSET, payload.length);
        frame.putInt(WalRecordDescriptor.CHECKSUM_OFFSET, (int) crc.getValue());
        frame.putLong(WalRecordDescriptor.LSN_OFFSET, lsn);
        frame.put(WalRecordDescriptor.PAYLOAD_OFFSET, payload);
        return frame.array();
    }

    static void writeFrames(Path file, long firstLsn, String... payloads) throws IOException {
        long lsn = firstLsn;
        for (String payload : payloads) {
            Files.write(file, frame(lsn++, payload.getBytes(StandardCharsets.UTF_8)),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    static void flipByte(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, offset);
            b.put(0, (byte) ~b.get(0));
            b.rewind();
            channel.write(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void putInt(Path file, long offset, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(WalRecordDescriptor.BYTE_ORDER).putInt(0, value), offset);
        }
    }

    /** Offset of the record with index {@code index} in a file of equally sized payloads. */
    static long offsetOf(int index, int payloadLength) {
        return (long) index * WalRecordDescriptor.frameLength(payloadLength);
    }
}
