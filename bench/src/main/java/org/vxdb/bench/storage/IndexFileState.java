package org.vxdb.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What a shard's index looks like on disk: the manifest's {@code index} line, the index files
 * present, and size, modification time and CRC32C of the one the manifest names. Equal states
 * before and after a restart mean the index was loaded, not rebuilt or rewritten.
 */
record IndexFileState(String manifestLine, List<String> indexFiles, long bytes, long modifiedMillis, long crc32c) {

    static IndexFileState of(Path shardDir) throws IOException {
        String line = Files.readAllLines(shardDir.resolve("MANIFEST")).stream().filter(l -> l.startsWith("index "))
                .findFirst().orElse("");
        List<String> files;
        try (Stream<Path> entries = Files.list(shardDir)) {
            files = entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("index-") && name.endsWith(".vxi")).sorted().toList();
        }
        if (line.isEmpty()) {
            return new IndexFileState(line, files, 0, 0, 0);
        }
        Path file = shardDir.resolve(line.split(" ")[1]);
        return new IndexFileState(line, files, Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                crc32c(file));
    }

    private static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return crc.getValue();
    }

    @Override
    public String toString() {
        return manifestLine.isEmpty() ? "no index" : "'" + manifestLine + "', files " + indexFiles + ", " + bytes
                + " bytes, mtime " + modifiedMillis + ", crc32c " + Long.toHexString(crc32c);
    }
}
