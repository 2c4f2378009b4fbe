package org.vxdb.storage.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.vxdb.index.spi.IndexFiles;

/**
 * The list of what a shard has sealed: live segment files with the global row number each starts
 * at, the index file (if any) and the WAL position up to which everything is in those segments.
 * Replaced atomically (write {@code MANIFEST.tmp}, fsync, rename, fsync the directory), so a crash
 * leaves the old manifest or the new one, never a mix. Text, one entry per line, ending in a
 * CRC32C line over everything before it (docs/storage-format.md).
 */
public record Manifest(long generation, long replayAfterLsn, long nextRow, List<SegmentEntry> segments,
                       IndexEntry index) {

    public static final String FILE_NAME = "MANIFEST";
    private static final String MAGIC = "vxdb-manifest 1";

    /** A sealed segment file covering global rows {@code [baseRow, baseRow + rows)}. */
    public record SegmentEntry(String file, long baseRow, long rows) {
    }

    /** An index file covering global rows {@code [0, rows)} of the sealed data. */
    public record IndexEntry(String file, String description, long rows) {
    }

    public Manifest {
        segments = List.copyOf(segments);
    }

    public static Manifest empty() {
        return new Manifest(0, 0, 0, List.of(), null);
    }

    public Manifest withSegment(SegmentEntry segment, long newReplayAfterLsn) {
        List<SegmentEntry> next = new ArrayList<>(segments);
        next.add(segment);
        return new Manifest(generation + 1, Math.max(replayAfterLsn, newReplayAfterLsn),
                segment.baseRow() + segment.rows(), next, index);
    }

    public Manifest withoutSegment(String file) {
        return new Manifest(generation + 1, replayAfterLsn, nextRow,
                segments.stream().filter(s -> !s.file().equals(file)).toList(), index);
    }

    public Manifest withIndex(IndexEntry newIndex) {
        return new Manifest(generation + 1, replayAfterLsn, nextRow, segments, newIndex);
    }

    /** Reads {@code dir/MANIFEST}; an absent file is an empty shard. */
    public static Manifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        }
        if (lines.size() < 2 || !lines.get(0).equals(MAGIC)) {
            throw new IOException("corrupt manifest " + file + ": does not start with '" + MAGIC + "'");
        }
        String last = lines.get(lines.size() - 1);
        String body = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
        if (!last.equals("crc32c " + crc(body))) {
            throw new IOException("corrupt manifest " + file + ": checksum mismatch");
        }
        long generation = 0;
        long replayAfter = 0;
        long nextRow = 0;
        List<SegmentEntry> segments = new ArrayList<>();
        IndexEntry index = null;
        for (String line : lines.subList(1, lines.size() - 1)) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "generation" -> generation = Long.parseLong(f[1]);
                    case "replay-after-lsn" -> replayAfter = Long.parseLong(f[1]);
                    case "next-row" -> nextRow = Long.parseLong(f[1]);
                    case "segment" -> segments.add(new SegmentEntry(f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
                    case "index" -> index = new IndexEntry(f[1], f[2], Long.parseLong(f[3]));
                    default -> throw new IOException("corrupt manifest " + file + ": unknown entry '" + line + "'");
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IOException("corrupt manifest " + file + ": bad entry '" + line + "'", e);
            }
        }
        return new Manifest(generation, replayAfter, nextRow, segments, index);
    }

    /** Replaces {@code dir/MANIFEST} atomically and durably. */
    public void write(Path dir) throws IOException {
        StringBuilder body = new StringBuilder();
        body.append(MAGIC).append('\n');
        body.append("generation ").append(generation).append('\n');
        body.append("replay-after-lsn ").append(replayAfterLsn).append('\n');
        body.append("next-row ").append(nextRow).append('\n');
        for (SegmentEntry s : segments) {
            body.append("segment ").append(s.file()).append(' ').append(s.baseRow()).append(' ').append(s.rows())
                    .append('\n');
        }
        if (index != null) {
            body.append("index ").append(index.file()).append(' ').append(index.description()).append(' ')
                    .append(index.rows()).append('\n');
        }
        String text = body + "crc32c " + crc(body.toString()) + "\n";
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename " + tmp + " atomically", e);
        }
        IndexFiles.fsyncDirectory(dir);
    }

    private static String crc(String text) {
        CRC32C c = new CRC32C();
        c.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", (int) c.getValue());
    }
}
