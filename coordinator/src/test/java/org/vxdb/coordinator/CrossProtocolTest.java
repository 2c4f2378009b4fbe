package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cross-protocol: rows written through each client protocol are found, exactly as written,
 * through every other, each protocol driven by a real client that VxDB did not write, run as a
 * child process: Python grpcio (Debian's, stubs generated from our .proto by grpc_tools) for
 * gRPC, {@code curl} for REST, {@code wscat} for WebSocket streams and {@code redis-cli} for RESP.
 * A missing client fails the test.
 *
 * <p>One L2 collection of dimension 4. RESP writes and reads it with the {@code VECTOR.*}
 * commands: the vector-set commands ({@code VADD}, {@code VSIM}) need a COSINE collection, which
 * stores vectors normalised, so the values read back would not be the values written (and a
 * {@code VADD} row's id is the hash of its element name); {@code RespCrossProtocolTest} covers
 * vector sets against gRPC.
 *
 * <p>Each protocol writes two rows (one id small, one above 2^63, so every reader must carry ids
 * as unsigned 64-bit), each with metadata {@code via} naming the writer plus an integer (one
 * beyond 2^53, which a JSON double would round), a double (one of them 3.0, which must stay a
 * double) and a boolean. WebSocket streams are ingest-only, so WebSocket is a writer and never a
 * reader. Every reader (gRPC, REST, RESP) then gets all eight rows, and searches with each row's
 * vector: the whole top 8 must be the brute-force order, the row itself first at distance 0.
 * The vectors' components are multiples of 0.25, so every squared distance is exact in float32.
 *
 * <p>Each protocol also gets one malformed batch: a valid row, then a 3-dimensional one. Every
 * protocol must report the core's message {@code vectors[1]: has 3 dimensions, collection
 * 'xproto' has 4} in its own error form, and neither row may be visible through any reader.
 * (RESP sends it as {@code VECTOR.MADD ... FP32}: with decimal rows {@code DIM n} fixes every
 * row's length, FP32 blobs carry their own.)
 *
 * <p>The cluster's writes run at consistency ALL ({@link InProcessCluster}), so a read right after
 * an acknowledged write sees it.
 */
class CrossProtocolTest {

    private static final String COLLECTION = "xproto";
    private static final long PROCESS_TIMEOUT_SECONDS = 60;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String UNKNOWN_ID = "999";
    private static final String CORE_MESSAGE = "vectors[1]: has 3 dimensions, collection 'xproto' has 4";

    /** -(2^53 + 1): a JSON reader that parsed integers as doubles would answer ...992. */
    private static final long NOT_A_DOUBLE = -9007199254740993L;

    /** Two rows per writing protocol, in the order written. */
    private static final List<Row> ROWS = List.of(
            new Row("grpc", "101", new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 1, 3.0, true),
            new Row("grpc", "18446744073709551101", new float[] {-2f, 0f, 0.25f, 1f}, NOT_A_DOUBLE, 0.75, false),
            new Row("rest", "201", new float[] {2f, 0.5f, -1f, 0f}, 2, 3.0, true),
            new Row("rest", "18446744073709551201", new float[] {0f, 2f, 0f, 0.25f}, NOT_A_DOUBLE, 0.75, false),
            new Row("ws", "301", new float[] {1f, 2f, 3f, 4f}, 3, 3.0, true),
            new Row("ws", "18446744073709551301", new float[] {0f, 0f, 0f, 1f}, NOT_A_DOUBLE, 0.75, false),
            new Row("resp", "401", new float[] {4f, 0f, 0.5f, -1f}, 4, 3.0, true),
            new Row("resp", "18446744073709551401", new float[] {-1f, -1.5f, 2f, 0f}, NOT_A_DOUBLE, 0.75, false));

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static GrpcPython grpc;
    static RestCurl rest;
    static RedisCli resp;
    static Wscat ws;

    @BeforeAll
    static void startClusterAndWriteTwoRowsThroughEachProtocol() throws Exception {
        cluster = InProcessCluster.start(dir.resolve("cluster"));
        grpc = new GrpcPython(cluster.coordinator().grpcAddress().getPort(), dir.resolve("stubs"));
        rest = new RestCurl(cluster.restPort());
        resp = new RedisCli(cluster.respPort());
        ws = new Wscat(cluster.restPort());

        RestCurl.Answer created = rest.call("POST", "/v1/collections",
                "{\"name\":\"xproto\",\"dimension\":4,\"metric\":\"l2\"}");
        assertEquals(201, created.status(), created.body());
        JsonNode spec = json(created.body()).get("spec");
        assertEquals(List.of("xproto", "4", "l2"), List.of(spec.get("name").stringValue(),
                spec.get("dimension").toString(), spec.get("metric").stringValue()), created.body());

        writeThroughGrpc(rowsVia("grpc"));
        writeThroughRest(rowsVia("rest"));
        writeThroughWebSocket(rowsVia("ws"));
        writeThroughResp(rowsVia("resp"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The writes, each answer asserted exactly

    private static void writeThroughGrpc(List<Row> rows) {
        String reply = grpc.call("Upsert", GrpcPython.writeRequest(rows)).getFirst();
        assertEquals(json("{\"failures\":[],\"ids\":" + idsJson(rows) + ",\"written\":\"2\"}"), json(reply), reply);
    }

    private static void writeThroughRest(List<Row> rows) {
        RestCurl.Answer answer = rest.call("PUT", "/v1/collections/xproto/vectors", RestCurl.writeBody(rows));
        assertEquals(200, answer.status(), answer.body());
        assertEquals("{\"ids\":" + idsJson(rows) + ",\"written\":2,\"failures\":[]}", answer.body());
    }

    private static void writeThroughWebSocket(List<Row> rows) throws Exception {
        try (Wscat.Session session = ws.open()) {
            String batch = Wscat.batch(1, rows);
            session.send(batch);
            assertEquals("{\"type\":\"ack\",\"up_to\":1,\"written\":2,\"credit\":" + utf8Length(batch) + "}",
                    session.next());
            assertEquals(0, session.finish());
        }
    }

    private static void writeThroughResp(List<Row> rows) {
        List<String> command = new ArrayList<>(List.of("VECTOR.MADD", COLLECTION, "DIM", "4", "WITHMETA"));
        for (Row row : rows) {
            command.add(row.id());
            for (float v : row.values()) {
                command.add(decimal(v));
            }
            command.add(metadataJson(row).toString());
        }
        assertEquals("(integer) 2\n", resp.command(command));
    }

    // ---------------------------------------------------------------------------------------------
    // Every row through every reader

    @Test
    void shouldGetEveryProtocolsRowsThroughGrpc() {
        ObjectNode request = JSON.createObjectNode().put("collection", COLLECTION).put("include_vectors", true)
                .put("include_metadata", true);
        request.set("ids", allIdsAndAnUnknownOne());
        JsonNode reply = withoutVolatileFields(json(grpc.call("Get", request).getFirst()));

        ObjectNode expected = JSON.createObjectNode();
        ArrayNode vectors = expected.putArray("vectors");
        ROWS.forEach(row -> vectors.add(GrpcPython.storedVector(row)));
        expected.putArray("missing_ids").add(UNKNOWN_ID);
        assertEquals(normalised(expected), reply);
    }

    @Test
    void shouldFindEachRowFirstAtDistanceZeroThroughGrpcSearch() {
        List<JsonNode> requests = ROWS.stream().map(row -> (JsonNode) GrpcPython.searchRequest(row)).toList();
        List<String> replies = grpc.call("Search", requests.toArray(JsonNode[]::new));
        for (int i = 0; i < ROWS.size(); i++) {
            ObjectNode expected = JSON.createObjectNode().put("partial", false);
            ArrayNode hits = expected.putArray("hits");
            nearestFirst(ROWS.get(i)).forEach(hit -> hits.add(GrpcPython.storedVector(hit.row())
                    .put("distance", hit.distance())));
            expected.putArray("unavailable_ranges");
            expected.putArray("nodes"); // the Python client prints empty fields too; explain was not asked
            assertEquals(normalised(expected), withoutVolatileFields(json(replies.get(i))), "query " + ROWS.get(i));
        }
    }

    @Test
    void shouldGetEveryProtocolsRowsThroughRest() {
        ObjectNode request = JSON.createObjectNode().put("include_vectors", true).put("include_metadata", true);
        request.set("ids", allIdsAndAnUnknownOne());
        RestCurl.Answer answer = rest.call("POST", "/v1/collections/xproto/vectors/get", request.toString());
        assertEquals(200, answer.status(), answer.body());

        ObjectNode expected = JSON.createObjectNode();
        ArrayNode vectors = expected.putArray("vectors");
        ROWS.forEach(row -> vectors.add(RestCurl.vector(row)));
        expected.putArray("missing_ids").add(UNKNOWN_ID);
        assertEquals(normalised(expected), withoutVolatileFields(json(answer.body())), answer.body());
    }

    @Test
    void shouldFindEachRowFirstAtDistanceZeroThroughRestSearch() {
        for (Row query : ROWS) {
            ObjectNode request = JSON.createObjectNode().put("k", ROWS.size()).put("include_vectors", true)
                    .put("include_metadata", true);
            request.set("vector", floats(query.values()));
            RestCurl.Answer answer = rest.call("POST", "/v1/collections/xproto/search", request.toString());
            assertEquals(200, answer.status(), answer.body());

            ObjectNode expected = JSON.createObjectNode().put("partial", false);
            ArrayNode hits = expected.putArray("hits");
            nearestFirst(query).forEach(hit -> hits.add(RestCurl.vector(hit.row()).put("distance", hit.distance())));
            expected.putArray("unavailable_ranges");
            assertEquals(normalised(expected), withoutVolatileFields(json(answer.body())), "query " + query);
        }
    }

    @Test
    void shouldGetEveryProtocolsRowsThroughResp() {
        List<String> command = new ArrayList<>(List.of("VECTOR.GET", COLLECTION));
        ROWS.forEach(row -> command.add(row.id()));
        command.add(UNKNOWN_ID);

        List<Object> expected = new ArrayList<>();
        ROWS.forEach(row -> expected.add(RedisCli.row(row)));
        expected.add(null);
        assertEquals(RedisCli.printed(expected), resp.command(command));
    }

    @Test
    void shouldFindEachRowFirstAtDistanceZeroThroughRespSearch() {
        for (Row query : ROWS) {
            List<String> command = new ArrayList<>(List.of("VECTOR.SEARCH", COLLECTION, "K",
                    String.valueOf(ROWS.size())));
            for (float v : query.values()) {
                command.add(decimal(v));
            }
            command.addAll(List.of("WITHMETA", "WITHVECTORS"));
            List<Object> expected = nearestFirst(query).stream().map(RedisCli::hit).map(h -> (Object) h).toList();
            assertEquals(RedisCli.printed(expected), resp.command(command), "query " + query);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // A malformed batch through each protocol: the core's message, and nothing written

    @Test
    void shouldRejectAWrongDimensionThroughGrpcWithTheCoreMessageAndWriteNothing() {
        List<Row> bad = badBatch("grpc", "105", "106");
        String reply = grpc.call("Upsert", GrpcPython.writeRequest(bad)).getFirst();
        assertEquals(json("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"details\":\"" + CORE_MESSAGE + "\"}}"),
                json(reply), reply);
        assertNothingVisible(bad);
    }

    @Test
    void shouldRejectAWrongDimensionThroughRestWithTheCoreMessageAndWriteNothing() {
        List<Row> bad = badBatch("rest", "205", "206");
        RestCurl.Answer answer = rest.call("PUT", "/v1/collections/xproto/vectors", RestCurl.writeBody(bad),
                "X-Request-Id: xproto-bad-dimension");
        assertEquals(400, answer.status(), answer.body());
        assertEquals("{\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"" + CORE_MESSAGE
                + "\",\"request_id\":\"xproto-bad-dimension\"}}", answer.body());
        assertNothingVisible(bad);
    }

    @Test
    void shouldRejectAWrongDimensionThroughWebSocketWithTheCoreMessageAndWriteNothing() throws Exception {
        List<Row> bad = badBatch("ws", "305", "306");
        try (Wscat.Session session = ws.open()) {
            String batch = Wscat.batch(1, bad);
            session.send(batch);
            assertEquals("{\"type\":\"error\",\"seq\":1,\"row\":1,\"code\":\"INVALID_ARGUMENT\",\"message\":\""
                    + CORE_MESSAGE + "\",\"credit\":" + utf8Length(batch) + "}", session.next());
            assertEquals(0, session.finish());
        }
        assertNothingVisible(bad);
    }

    @Test
    void shouldRejectAWrongDimensionThroughRespWithTheCoreMessageAndWriteNothing() {
        List<Row> bad = badBatch("resp", "405", "406");
        StringBuilder line = new StringBuilder("VECTOR.MADD xproto FP32 WITHMETA");
        for (Row row : bad) {
            line.append(' ').append(row.id()).append(" \"").append(RedisCli.escapedFp32(row.values())).append("\" '")
                    .append(metadataJson(row)).append('\'');
        }
        assertEquals("(error) ERR " + CORE_MESSAGE + "\n", resp.stdin(line + "\n"));
        assertNothingVisible(bad);
    }

    /** A valid row, then one of 3 dimensions, with ids no other test uses. */
    private static List<Row> badBatch(String via, String validId, String shortId) {
        return List.of(new Row(via, validId, new float[] {3f, 3f, 3f, 3f}, 5, 0.5, true),
                new Row(via, shortId, new float[] {3f, 3f, 3f}, 6, 0.5, true));
    }

    /** Neither row is found by any reader, and the collection still holds exactly the good rows. */
    private static void assertNothingVisible(List<Row> rejected) {
        List<String> ids = rejected.stream().map(Row::id).toList();

        ObjectNode grpcGet = JSON.createObjectNode().put("collection", COLLECTION);
        ids.forEach(grpcGet.putArray("ids")::add);
        assertEquals(json("{\"missing_ids\":" + idsJson(rejected) + ",\"vectors\":[]}"),
                json(grpc.call("Get", grpcGet).getFirst()), "gRPC Get");

        ObjectNode restGet = JSON.createObjectNode();
        ids.forEach(restGet.putArray("ids")::add);
        RestCurl.Answer answer = rest.call("POST", "/v1/collections/xproto/vectors/get", restGet.toString());
        assertEquals("{\"vectors\":[],\"missing_ids\":" + idsJson(rejected) + "}", answer.body(), "REST get");

        List<String> respGet = new ArrayList<>(List.of("VECTOR.GET", COLLECTION));
        respGet.addAll(ids);
        assertEquals("1) (nil)\n2) (nil)\n", resp.command(respGet), "RESP VECTOR.GET");

        RestCurl.Answer described = rest.call("GET", "/v1/collections/xproto", null);
        assertEquals(ROWS.size(), json(described.body()).get("stats").get("vector_count").asInt(), described.body());
    }

    // ---------------------------------------------------------------------------------------------
    // Rows and expectations shared by the readers

    /** One row as written: its metadata is {@code via}, {@code n} (int64), {@code w} (double), {@code ok}. */
    record Row(String via, String id, float[] values, long n, double w, boolean ok) {
        @Override
        public String toString() {
            return via + " row " + id;
        }
    }

    /** A row as a search hit. */
    record Hit(Row row, float distance) {
    }

    private static List<Row> rowsVia(String via) {
        return ROWS.stream().filter(r -> r.via().equals(via)).toList();
    }

    /**
     * Every row by squared L2 distance from {@code query} (exact: the components are multiples
     * of 0.25), equal distances by lower id, as the API orders hits.
     */
    private static List<Hit> nearestFirst(Row query) {
        return ROWS.stream().map(row -> new Hit(row, squaredL2(query.values(), row.values())))
                .sorted(Comparator.comparing(Hit::distance).thenComparing((a, b) -> Long.compareUnsigned(
                        Long.parseUnsignedLong(a.row().id()), Long.parseUnsignedLong(b.row().id()))))
                .toList();
    }

    private static float squaredL2(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum;
    }

    /**
     * The row's metadata as a JSON object, as REST and WebSocket take and REST returns it and as
     * RESP's META/WITHMETA take it; {@code w} is written "3.0" and so stays a double.
     */
    private static ObjectNode metadataJson(Row row) {
        return JSON.createObjectNode().put("via", row.via()).put("n", row.n()).put("w", row.w()).put("ok", row.ok());
    }

    private static ArrayNode allIdsAndAnUnknownOne() {
        ArrayNode ids = JSON.createArrayNode();
        ROWS.forEach(row -> ids.add(row.id()));
        return ids.add(UNKNOWN_ID);
    }

    private static String idsJson(List<Row> rows) {
        ArrayNode ids = JSON.createArrayNode();
        rows.forEach(row -> ids.add(row.id()));
        return ids.toString();
    }

    private static ArrayNode floats(float[] values) {
        ArrayNode array = JSON.createArrayNode();
        for (float v : values) {
            array.add(v);
        }
        return array;
    }

    /** The shortest decimal of a float or double ("2", "0.5", "-1.25"), as RESP prints them. */
    private static String decimal(double v) {
        return new BigDecimal(v == (float) v ? Float.toString((float) v) : Double.toString(v)).stripTrailingZeros()
                .toPlainString();
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** Through text and back, so that numbers have the node types the parser gives them. */
    private static JsonNode normalised(JsonNode built) {
        return json(built.toString());
    }

    /** Without versions (clock readings), the plan (names nodes) and rows_scanned (how nodes scanned). */
    private static JsonNode withoutVolatileFields(JsonNode reply) {
        ObjectNode copy = (ObjectNode) reply.deepCopy();
        copy.remove(List.of("plan", "rows_scanned"));
        for (String list : List.of("vectors", "hits")) {
            if (copy.get(list) != null) {
                copy.get(list).forEach(v -> ((ObjectNode) v).remove("version"));
            }
        }
        return copy;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    // ---------------------------------------------------------------------------------------------
    // The clients

    /** What a finished child process printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code command} to its end (at most {@link #PROCESS_TIMEOUT_SECONDS}), {@code stdin} on its input. */
    static Result run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command.getFirst() + " did not finish within " + PROCESS_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * gRPC through Debian's Python grpcio: stubs generated by grpc_tools from our .proto, and
     * {@code xproto/grpc_call.py}, which sends requests given in the proto3 JSON mapping and prints
     * each reply (or status code and description) in it.
     */
    static final class GrpcPython {
        private final String target;
        private final Path stubs;
        private final Path script;

        GrpcPython(int port, Path stubs) throws IOException {
            this.target = "127.0.0.1:" + port;
            this.stubs = Files.createDirectories(stubs);
            this.script = resource("/xproto/grpc_call.py");
            String projectDir = System.getProperty("vxdb.project.dir");
            assertTrue(projectDir != null, "system property vxdb.project.dir is not set (surefire sets it)");
            Result protoc = run(List.of("/usr/bin/python3", "-m", "grpc_tools.protoc", "-I",
                    Path.of(projectDir, "proto/src/main/protobuf").toString(), "--python_out=" + stubs,
                    "--grpc_python_out=" + stubs, "vxdb/v1/vxdb.proto"), null);
            assertEquals(0, protoc.exitCode(), () -> "grpc_tools.protoc (python3-grpc-tools) failed: " + protoc);
        }

        /** One {@code VectorService} call per request, in one client process; the reply lines in order. */
        List<String> call(String method, JsonNode... requests) {
            StringBuilder stdin = new StringBuilder();
            for (JsonNode request : requests) {
                stdin.append(request).append('\n');
            }
            Result r = run(List.of("/usr/bin/python3", script.toString(), "--target", target, "--stubs",
                    stubs.toString(), "VectorService", method), stdin.toString());
            assertEquals(0, r.exitCode(), () -> "grpc_call.py failed: " + r);
            List<String> replies = r.stdout().lines().toList();
            assertEquals(requests.length, replies.size(), () -> "one reply per request: " + r);
            return replies;
        }

        static ObjectNode writeRequest(List<Row> rows) {
            ObjectNode request = JSON.createObjectNode().put("collection", COLLECTION);
            ArrayNode vectors = request.putArray("vectors");
            rows.forEach(row -> vectors.add(storedVector(row)));
            return request;
        }

        static ObjectNode searchRequest(Row query) {
            ObjectNode request = JSON.createObjectNode().put("collection", COLLECTION).put("k", ROWS.size())
                    .put("include_vectors", true).put("include_metadata", true);
            request.set("query", floats(query.values()));
            return request;
        }

        /** The row as a Vector / StoredVector (without version) in the proto3 JSON mapping: 64-bit integers as strings. */
        static ObjectNode storedVector(Row row) {
            ObjectNode vector = JSON.createObjectNode().put("id", row.id());
            vector.set("values", floats(row.values()));
            ObjectNode metadata = vector.putObject("metadata");
            metadata.putObject("via").put("string_value", row.via());
            metadata.putObject("n").put("int_value", String.valueOf(row.n()));
            metadata.putObject("w").put("double_value", row.w());
            metadata.putObject("ok").put("bool_value", row.ok());
            return vector;
        }
    }

    /** REST through curl. */
    static final class RestCurl {
        /** The status and body curl received. */
        record Answer(int status, String body) {
        }

        private final String base;

        RestCurl(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        /** {@code body} (JSON, may be null) sent with {@code method} to {@code path}, plus {@code headers}. */
        Answer call(String method, String path, String body, String... headers) {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-X", method,
                    base + path, "-w", "\n%{http_code}"));
            for (String header : headers) {
                command.addAll(List.of("-H", header));
            }
            if (body != null) {
                command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", "@-"));
            }
            Result r = run(command, body);
            assertEquals(0, r.exitCode(), () -> "curl failed: " + r);
            int lastLine = r.stdout().lastIndexOf('\n');
            return new Answer(Integer.parseInt(r.stdout().substring(lastLine + 1)), r.stdout().substring(0, lastLine));
        }

        /** Ids as JSON numbers (every digit is kept), values as numbers. */
        static String writeBody(List<Row> rows) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode vectors = body.putArray("vectors");
            for (Row row : rows) {
                ObjectNode v = vectors.addObject().put("id", new BigDecimal(row.id()).toBigInteger());
                v.set("values", floats(row.values()));
                v.set("metadata", metadataJson(row));
            }
            return body.toString();
        }

        /** The row as the REST API returns it (without version): ids as strings, typed metadata as JSON values. */
        static ObjectNode vector(Row row) {
            ObjectNode vector = JSON.createObjectNode().put("id", row.id());
            vector.set("values", floats(row.values()));
            vector.set("metadata", metadataJson(row));
            return vector;
        }

    }

    /** WebSocket streams through wscat, typed into its stdin line by line as a person would. */
    static final class Wscat {
        private final String url;
        private final Path wscat;

        Wscat(int restPort) {
            this.url = "ws://127.0.0.1:" + restPort + "/v1/stream?collection=" + COLLECTION;
            String clients = System.getProperty("vxdb.test.clients");
            assertTrue(clients != null, "system property vxdb.test.clients is not set (surefire sets it)");
            this.wscat = Path.of(clients, "node_modules", ".bin", "wscat");
            assertTrue(Files.isExecutable(wscat), wscat + " is missing: run ops/install-deps.sh --test");
        }

        /** A session on the collection, once the server said it is ready (lines typed before that are lost). */
        Session open() throws IOException, InterruptedException {
            Session session = new Session(new ProcessBuilder(wscat.toString(), "-c", url).start());
            String ready = session.next().replaceFirst("\"session\":\"[0-9a-f-]{36}\"", "\"session\":\"*\"");
            assertEquals("{\"type\":\"ready\",\"session\":\"*\",\"collection\":\"xproto\",\"dimension\":4,"
                    + "\"ack\":\"durable\",\"consistency\":\"default\",\"credits\":67108864,"
                    + "\"max_batch_rows\":10000,\"max_message_bytes\":67108864}", ready);
            return session;
        }

        /** A text batch: the small id as a JSON number, the one above 2^63 as a string of digits. */
        static String batch(long seq, List<Row> rows) {
            ObjectNode batch = JSON.createObjectNode().put("type", "batch").put("seq", seq);
            ArrayNode vectors = batch.putArray("vectors");
            for (Row row : rows) {
                ObjectNode v = vectors.addObject();
                if (row.id().length() < 18) {
                    v.put("id", Long.parseLong(row.id()));
                } else {
                    v.put("id", row.id());
                }
                v.set("values", floats(row.values()));
                v.set("metadata", metadataJson(row));
            }
            return batch.toString();
        }

        /** One running wscat: lines to its stdin, its stdout read line by line with a timeout. */
        static final class Session implements AutoCloseable {
            private final Process process;
            private final Writer stdin;
            private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            private final StringBuffer stderr = new StringBuffer();

            Session(Process process) {
                this.process = process;
                this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                pipe(process.getInputStream(), lines::add);
                pipe(process.getErrorStream(), line -> stderr.append(line).append('\n'));
            }

            private static void pipe(InputStream stream, Consumer<String> sink) {
                Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream,
                            StandardCharsets.UTF_8))) {
                        reader.lines().forEach(sink);
                    } catch (IOException | UncheckedIOException e) {
                        // the process ended
                    }
                });
            }

            void send(String line) throws IOException {
                stdin.write(line + "\n");
                stdin.flush();
            }

            /** The next message wscat printed, without the "> " prompts it writes before it (stdin is no terminal). */
            String next() throws InterruptedException {
                String line = lines.poll(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (line == null) {
                    fail("wscat printed nothing within " + PROCESS_TIMEOUT_SECONDS + " s; stderr: " + stderr);
                }
                return line.replaceFirst("^(> )+", "");
            }

            /** Ends stdin, which closes the session, and returns wscat's exit code. */
            int finish() throws IOException, InterruptedException {
                stdin.close();
                if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    fail("wscat still running " + PROCESS_TIMEOUT_SECONDS + " s after its stdin ended");
                }
                return process.exitValue();
            }

            @Override
            public void close() {
                process.destroyForcibly();
            }
        }
    }

    /** RESP through redis-cli (RESP3, --no-raw: replies print with their types). */
    static final class RedisCli {
        private final List<String> base;

        RedisCli(int port) {
            this.base = List.of("redis-cli", "--no-raw", "-3", "-h", "127.0.0.1", "-p", String.valueOf(port));
        }

        /** One command given as arguments; what redis-cli printed. */
        String command(List<String> args) {
            List<String> command = new ArrayList<>(base);
            command.addAll(args);
            Result r = run(command, null);
            assertEquals(0, r.exitCode(), () -> "redis-cli failed: " + r);
            return r.stdout();
        }

        /** Commands typed on stdin, with redis-cli's quoting ("\xHH" in double quotes is a byte). */
        String stdin(String lines) {
            Result r = run(base, lines);
            assertEquals(0, r.exitCode(), () -> "redis-cli failed: " + r);
            return r.stdout();
        }

        /** Little-endian float32 bytes as redis-cli "\xHH" escapes. */
        static String escapedFp32(float[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bytes.putFloat(v);
            }
            StringBuilder out = new StringBuilder();
            for (byte b : bytes.array()) {
                out.append(String.format("\\x%02x", b));
            }
            return out.toString();
        }

        /** A VECTOR.GET entry: a map of id, vector, metadata (keys sorted). */
        static Map<String, Object> row(Row row) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", row.id());
            map.put("vector", components(row.values()));
            map.put("metadata", metadata(row));
            return map;
        }

        /** A VECTOR.SEARCH hit with WITHMETA WITHVECTORS: id, distance, metadata, vector. */
        static Map<String, Object> hit(Hit hit) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", hit.row().id());
            map.put("distance", (double) hit.distance());
            map.put("metadata", metadata(hit.row()));
            map.put("vector", components(hit.row().values()));
            return map;
        }

        private static List<Double> components(float[] values) {
            List<Double> out = new ArrayList<>();
            for (float v : values) {
                out.add((double) v);
            }
            return out;
        }

        private static Map<String, Object> metadata(Row row) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("n", row.n());
            map.put("ok", row.ok());
            map.put("via", row.via());
            map.put("w", row.w());
            return map;
        }

        /**
         * What redis-cli 7 prints for a RESP3 reply, modelled as null, String (bulk string), Long,
         * Double, Boolean, List (array) or Map: "n) " per array element and "n# key => " per map
         * entry, numbers as wide as the largest, nested elements indented past them; an aggregate
         * under a map key starts on the next line.
         */
        static String printed(Object reply) {
            StringBuilder out = new StringBuilder();
            print(out, reply, "");
            return out.toString();
        }

        private static void print(StringBuilder out, Object reply, String indent) {
            switch (reply) {
                case null -> out.append("(nil)\n");
                case String s -> out.append('"').append(s).append("\"\n");
                case Long n -> out.append("(integer) ").append(n).append('\n');
                case Double d -> out.append("(double) ").append(decimal(d)).append('\n');
                case Boolean b -> out.append(b ? "(true)\n" : "(false)\n");
                case List<?> items -> printList(out, items, indent);
                case Map<?, ?> map -> printMap(out, map, indent);
                default -> throw new IllegalArgumentException("no RESP3 model: " + reply);
            }
        }

        private static void printList(StringBuilder out, List<?> items, String indent) {
            int width = String.valueOf(items.size()).length();
            String inner = indent + " ".repeat(width + 2);
            for (int i = 0; i < items.size(); i++) {
                out.append(i == 0 ? "" : indent).append(String.format("%" + width + "d) ", i + 1));
                print(out, items.get(i), inner);
            }
        }

        private static void printMap(StringBuilder out, Map<?, ?> map, String indent) {
            int width = String.valueOf(map.size()).length();
            String inner = indent + " ".repeat(width + 2);
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(i == 0 ? "" : indent).append(String.format("%" + width + "d# ", ++i)).append('"')
                        .append(e.getKey()).append("\" => ");
                if (e.getValue() instanceof List<?> || e.getValue() instanceof Map<?, ?>) {
                    out.append('\n').append(inner);
                }
                print(out, e.getValue(), inner);
            }
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(CrossProtocolTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource " + name + " not found", e);
        }
    }
}
