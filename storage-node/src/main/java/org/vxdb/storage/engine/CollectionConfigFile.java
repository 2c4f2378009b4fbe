package org.vxdb.storage.engine;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.index.Metric;
import org.vxdb.storage.metaindex.MetadataIndexKind;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.wal.FsyncPolicy;

/**
 * {@code collection.properties}: a {@link CollectionConfig} as a {@link PropertiesFile}, one key
 * per record component under the same name, plus {@code format}. Durations are ISO-8601
 * ({@code PT10M}), the metric its label ({@code l2}), the policy its enum name ({@code BATCH}).
 * {@code metadataIndexes} lists {@code kind:field} pairs separated by commas, each field name
 * URL-encoded (UTF-8), e.g. {@code inverted:category,ordered:price}; the key is left out when
 * there are none (so files of collections without metadata indexes read as before).
 */
final class CollectionConfigFile {

    static final String FILE_NAME = "collection.properties";
    static final String FORMAT = "1";

    private CollectionConfigFile() {
    }

    static void write(Path collectionDir, CollectionConfig c) throws IOException {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("format", FORMAT);
        e.put("name", c.name());
        e.put("dimension", Integer.toString(c.dimension()));
        e.put("metric", c.metric().label());
        e.put("index", c.index());
        e.put("shardCount", Integer.toString(c.shardCount()));
        e.put("bufferRows", Integer.toString(c.bufferRows()));
        e.put("bufferBytes", Long.toString(c.bufferBytes()));
        e.put("bufferAge", c.bufferAge().toString());
        e.put("fsyncPolicy", c.fsyncPolicy().name());
        e.put("batchWindow", c.batchWindow().toString());
        if (!c.metadataIndexes().isEmpty()) {
            e.put("metadataIndexes", formatIndexes(c.metadataIndexes()));
        }
        if (c.recallTarget() > 0) {
            e.put("recallTarget", Double.toString(c.recallTarget()));
        }
        PropertiesFile.write(collectionDir.resolve(FILE_NAME), "VxDB collection config", e);
    }

    static CollectionConfig read(Path collectionDir) throws IOException {
        Path file = collectionDir.resolve(FILE_NAME);
        Fields f = new Fields(file, PropertiesFile.read(file));
        String format = f.text("format");
        if (!format.equals(FORMAT)) {
            throw PropertiesFile.corrupt(file, "format " + format + " is not supported (expected " + FORMAT + ")");
        }
        CollectionConfig config;
        try {
            config = new CollectionConfig(f.text("name"), f.integer("dimension"), Metric.parse(f.text("metric")),
                    f.text("index"), f.integer("shardCount"), f.integer("bufferRows"), f.number("bufferBytes"),
                    f.duration("bufferAge"), FsyncPolicy.valueOf(f.text("fsyncPolicy")), f.duration("batchWindow"),
                    parseIndexes(f.optional("metadataIndexes", "")), recallTarget(f.optional("recallTarget", "0")));
        } catch (IllegalArgumentException e) {
            throw PropertiesFile.corrupt(file, e.getMessage());
        }
        f.checkAllUsed();
        return config;
    }

    private static double recallTarget(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("recallTarget '" + text + "' is not a number");
        }
    }

    static String formatIndexes(List<MetadataIndexSpec> specs) {
        List<String> parts = new ArrayList<>(specs.size());
        for (MetadataIndexSpec s : specs) {
            parts.add(s.kind().label() + ":" + URLEncoder.encode(s.field(), StandardCharsets.UTF_8));
        }
        return String.join(",", parts);
    }

    static List<MetadataIndexSpec> parseIndexes(String text) {
        List<MetadataIndexSpec> specs = new ArrayList<>();
        if (text.isEmpty()) {
            return specs;
        }
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("metadataIndexes entry '" + part + "' is not kind:field");
            }
            specs.add(new MetadataIndexSpec(URLDecoder.decode(part.substring(colon + 1), StandardCharsets.UTF_8),
                    MetadataIndexKind.parse(part.substring(0, colon))));
        }
        return specs;
    }

    /** The entries of one file, read by key; tracks which were read so leftovers are reported. */
    private static final class Fields {
        private final Path file;
        private final Map<String, String> entries;

        Fields(Path file, Map<String, String> entries) {
            this.file = file;
            this.entries = new LinkedHashMap<>(entries);
        }

        String text(String key) throws IOException {
            String value = entries.remove(key);
            if (value == null) {
                throw PropertiesFile.corrupt(file, "'" + key + "' is missing");
            }
            return value;
        }

        String optional(String key, String absent) {
            String value = entries.remove(key);
            return value == null ? absent : value;
        }

        long number(String key) throws IOException {
            String value = text(key);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw PropertiesFile.corrupt(file, key + " '" + value + "' is not a number");
            }
        }

        int integer(String key) throws IOException {
            long value = number(key);
            if (value != (int) value) {
                throw PropertiesFile.corrupt(file, key + " " + value + " is out of range");
            }
            return (int) value;
        }

        Duration duration(String key) throws IOException {
            String value = text(key);
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw PropertiesFile.corrupt(file, key + " '" + value + "' is not an ISO-8601 duration");
            }
        }

        void checkAllUsed() throws IOException {
            if (!entries.isEmpty()) {
                throw PropertiesFile.corrupt(file, "unknown keys " + entries.keySet());
            }
        }
    }
}
