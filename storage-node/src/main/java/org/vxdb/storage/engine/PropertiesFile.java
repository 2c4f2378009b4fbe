package org.vxdb.storage.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.vxdb.service.io.AtomicFiles;

/**
 * A small {@code key=value} text file that ends in a {@code crc32c=<8 hex digits>} line over every
 * byte before it, replaced atomically. Lines starting with {@code #} are comments. Keys and values
 * are plain: no escapes, no line breaks; a value may contain {@code =}.
 */
final class PropertiesFile {

    static final String CRC_KEY = "crc32c";

    private PropertiesFile() {
    }

    static void write(Path file, String comment, Map<String, String> entries) throws IOException {
        StringBuilder body = new StringBuilder();
        body.append("# ").append(comment).append('\n');
        entries.forEach((key, value) -> body.append(key).append('=').append(value).append('\n'));
        String text = body + CRC_KEY + "=" + crc(body.toString()) + "\n";
        AtomicFiles.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads and verifies {@code file}; entries in file order, without the checksum line. */
    static Map<String, String> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf(CRC_KEY + "=");
        if (crcLine < 0 || (crcLine > 0 && text.charAt(crcLine - 1) != '\n')) {
            throw corrupt(file, "no " + CRC_KEY + " line");
        }
        String body = text.substring(0, crcLine);
        String stored = text.substring(crcLine + CRC_KEY.length() + 1).strip();
        if (!stored.equals(crc(body))) {
            throw corrupt(file, "checksum mismatch");
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw corrupt(file, "bad line '" + line + "'");
            }
            if (entries.putIfAbsent(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw corrupt(file, "'" + line.substring(0, eq) + "' appears twice");
            }
        }
        return entries;
    }

    static IOException corrupt(Path file, String why) {
        return new IOException("corrupt " + file + ": " + why);
    }

    private static String crc(String text) {
        CRC32C c = new CRC32C();
        c.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", (int) c.getValue());
    }
}
