package org.vxdb.cli.load;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.api.v1.Value;
import org.vxdb.cli.CliException;
import org.vxdb.cli.client.FilterJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A line-oriented input (JSON lines or CSV): blank lines are skipped, rows are counted from 0. */
abstract class TextSource implements RowSource {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final Path file;
    private final long size;
    private final Counting counting;
    private final BufferedReader reader;
    private long line;

    TextSource(Path file) throws IOException {
        this.file = file;
        this.size = Files.size(file);
        this.counting = new Counting(Files.newInputStream(file));
        this.reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The next non-blank line, or null at the end. */
    String nextLine() throws IOException {
        String l;
        do {
            l = reader.readLine();
            line++;
        } while (l != null && l.isBlank());
        return l;
    }

    String where() {
        return file.getFileName() + " line " + line;
    }

    @Override
    public double progress() {
        return size == 0 ? 1 : Math.min(1, (double) counting.read / size);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** An id from a JSON number or a decimal string, as an unsigned 64-bit integer. */
    long id(String text, String at) {
        try {
            return Long.parseUnsignedLong(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException(at + ": id '" + text + "' is not an unsigned 64-bit integer");
        }
    }

    static float[] floats(List<String> parts, String at) {
        float[] v = new float[parts.size()];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Float.parseFloat(parts.get(i).strip());
            } catch (NumberFormatException e) {
                throw new CliException(at + ": vector value '" + parts.get(i).strip() + "' is not a number");
            }
            if (!Float.isFinite(v[i])) {
                throw new CliException(at + ": vector value '" + parts.get(i).strip() + "' is not finite");
            }
        }
        if (v.length == 0) {
            throw new CliException(at + ": the vector is empty");
        }
        return v;
    }

    private static final class Counting extends FilterInputStream {
        volatile long read;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }

    /** JSON lines: {@code {"id": 7, "vector": [0.1, ...], "metadata": {"lang": "en"}}} per line. */
    static final class JsonLines extends TextSource {

        JsonLines(Path file) throws IOException {
            super(file);
        }

        @Override
        public Row next() throws IOException {
            String l = nextLine();
            if (l == null) {
                return null;
            }
            String at = where();
            JsonNode node;
            try {
                node = JSON.readTree(l);
            } catch (JacksonException e) {
                throw new CliException(at + ": not JSON (" + e.getOriginalMessage() + ")");
            }
            if (!node.isObject()) {
                throw new CliException(at + ": expected an object {\"id\":..., \"vector\":[...]}");
            }
            JsonNode id = node.get("id");
            if (id == null || !(id.isIntegralNumber() || id.isString())) {
                throw new CliException(at + ": no \"id\" (a number or a decimal string)");
            }
            JsonNode vector = node.get("vector");
            if (vector == null || !vector.isArray()) {
                throw new CliException(at + ": no \"vector\" array");
            }
            List<String> parts = new ArrayList<>(vector.size());
            for (JsonNode x : vector) {
                if (!x.isNumber()) {
                    throw new CliException(at + ": vector value " + x + " is not a number");
                }
                parts.add(x.asString());
            }
            Map<String, Value> metadata = new LinkedHashMap<>();
            JsonNode m = node.get("metadata");
            if (m != null && !m.isNull()) {
                if (!m.isObject()) {
                    throw new CliException(at + ": \"metadata\" must be an object");
                }
                for (Map.Entry<String, JsonNode> e : m.properties()) {
                    metadata.put(e.getKey(), FilterJson.value(e.getValue(), at + ": metadata." + e.getKey()));
                }
            }
            String idText = id.isString() ? id.stringValue() : id.asString();
            return new Row(id(idText, at), floats(parts, at), metadata, at);
        }
    }

    /**
     * CSV with a header: an {@code id} column, a {@code vector} column (values separated by spaces,
     * semicolons or commas, optionally in brackets; quote it when it has commas), and any other
     * columns as metadata (numbers and true/false typed, empty cells left out).
     */
    static final class Csv extends TextSource {
        private final List<String> header;
        private final int idColumn;
        private final int vectorColumn;

        Csv(Path file) throws IOException {
            super(file);
            String first = nextLine();
            if (first == null) {
                close();
                throw new CliException(file + ": empty file (a CSV input needs a header with id and vector columns)");
            }
            header = split(first, where());
            idColumn = header.indexOf("id");
            vectorColumn = header.indexOf("vector");
            if (idColumn < 0 || vectorColumn < 0) {
                close();
                throw new CliException(where() + ": the header needs an id and a vector column, has "
                        + String.join(",", header));
            }
        }

        @Override
        public Row next() throws IOException {
            String l = nextLine();
            if (l == null) {
                return null;
            }
            String at = where();
            List<String> cells = split(l, at);
            if (cells.size() != header.size()) {
                throw new CliException(at + ": " + cells.size() + " columns, the header has " + header.size());
            }
            String v = cells.get(vectorColumn).strip();
            if (v.startsWith("[") && v.endsWith("]")) {
                v = v.substring(1, v.length() - 1);
            }
            List<String> parts = new ArrayList<>();
            for (String p : v.split("[,;\\s]+")) {
                if (!p.isEmpty()) {
                    parts.add(p);
                }
            }
            Map<String, Value> metadata = new LinkedHashMap<>();
            for (int i = 0; i < cells.size(); i++) {
                if (i != idColumn && i != vectorColumn && !cells.get(i).isEmpty()) {
                    metadata.put(header.get(i), typed(cells.get(i)));
                }
            }
            return new Row(id(cells.get(idColumn), at), floats(parts, at), metadata, at);
        }

        private static Value typed(String cell) {
            if (cell.equals("true") || cell.equals("false")) {
                return Value.newBuilder().setBoolValue(Boolean.parseBoolean(cell)).build();
            }
            if (cell.matches("-?\\d{1,18}")) {
                return Value.newBuilder().setIntValue(Long.parseLong(cell)).build();
            }
            if (cell.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
                double d = Double.parseDouble(cell);
                if (Double.isFinite(d)) {
                    return Value.newBuilder().setDoubleValue(d).build();
                }
            }
            return Value.newBuilder().setStringValue(cell).build();
        }

        /** One CSV line: commas separate cells, double quotes quote them ("" is a quote). */
        static List<String> split(String line, String at) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            if (quoted) {
                throw new CliException(at + ": a quoted cell is not closed");
            }
            cells.add(cell.toString());
            return cells;
        }
    }
}
