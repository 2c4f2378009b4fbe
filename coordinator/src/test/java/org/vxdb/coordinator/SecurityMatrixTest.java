package org.vxdb.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DeleteRequest;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.MetadataIndexKind;
import org.vxdb.api.v1.MetadataIndexSpec;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.StreamWriteRequest;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.net.ClientRateLimits;
import org.vxdb.coordinator.net.ListenerLimits;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.resp.RespAdapter;
import org.vxdb.coordinator.resp.RespClients;
import org.vxdb.coordinator.rest.RestAdapter;
import org.vxdb.coordinator.security.ApiKeyStore;
import org.vxdb.coordinator.security.Operation;
import org.vxdb.coordinator.security.Role;
import org.vxdb.coordinator.security.Security;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.node.StorageNode;
import org.vxdb.service.grpc.RawGrpcCall;

/**
 * Every endpoint of every protocol of a secured cluster (TLS on every listener, mutual TLS to the
 * nodes, API keys), enumerated from the servers themselves (the gRPC methods the coordinator and a
 * node serve, the REST route table, the RESP command table, the WebSocket stream path): without
 * credentials it is refused; with a key whose role does not allow it, or whose collections do not
 * include the one named, it is refused; with the right key it gets past authentication and
 * authorization; each of these calls leaves its audit line. Plaintext to every TLS listener is
 * refused, and every method of a node is refused to a client without the cluster's certificate. An
 * endpoint a server serves that this table does not list fails the test, so a new endpoint cannot
 * ship without its rule.
 */
class SecurityMatrixTest {

    /** What a call came to. */
    enum Outcome { UNAUTHENTICATED, DENIED, ALLOWED }

    /**
     * One endpoint: the operation it runs (null: outside the core, any authenticated caller may use
     * it), whether it names a collection (then a key limited to another collection is refused), and
     * how to call it with a credential (null: none).
     */
    record Probe(Operation op, boolean namesCollection, Function<String, Outcome> call, Outcome without,
                 String right, String wrong) {
        Probe(Operation op, boolean namesCollection, Function<String, Outcome> call) {
            this(op, namesCollection, call, Outcome.UNAUTHENTICATED, rightKey(op), op == null ? null : wrongKey(op));
        }

        Probe(Operation op, boolean namesCollection, Function<String, Outcome> call, Outcome without) {
            this(op, namesCollection, call, without, rightKey(op), op == null ? null : wrongKey(op));
        }
    }

    @TempDir
    static Path dir;
    static InProcessCluster cluster;
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        KEYS.put("admin", store.create("admin", EnumSet.of(Role.ADMIN), null).text());
        KEYS.put("write", store.create("writer", EnumSet.of(Role.WRITE), null).text());
        KEYS.put("read", store.create("reader", EnumSet.of(Role.READ), null).text());
        KEYS.put("read-write", store.create("read-write", EnumSet.of(Role.READ, Role.WRITE), null).text());
        // admin, but only of the collection "allowed": refused on every other collection
        KEYS.put("scoped", store.create("scoped", EnumSet.of(Role.ADMIN), List.of("allowed")).text());
        cluster = InProcessCluster.startSecured(dir, """
                security:
                  enabled: true
                  keys_file: keys.json
                  failed_auth_limit: 1000000
                audit:
                  enabled: true
                  file: audit.log
                """);
        String admin = KEYS.get("admin");
        assertEquals(Outcome.ALLOWED, grpcCall(CollectionServiceGrpc.getCreateCollectionMethod(),
                create("docs", Metric.L2), admin));
        assertEquals(Outcome.ALLOWED, grpcCall(CollectionServiceGrpc.getCreateCollectionMethod(),
                create("vs", Metric.COSINE), admin));
        assertEquals(Outcome.ALLOWED, grpcCall(CollectionServiceGrpc.getCreateCollectionMethod(),
                create("allowed", Metric.L2), admin));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The key that may run {@code op}; a key that may not. */
    static String rightKey(Operation op) {
        return op == null ? KEYS.get("read") : KEYS.get(op.role().text());
    }

    static String wrongKey(Operation op) {
        return switch (op.role()) {
            case ADMIN -> KEYS.get("write");
            case WRITE -> KEYS.get("read");
            case READ -> KEYS.get("write");
        };
    }

    /**
     * @param exactAudit true where one call is one core operation (gRPC, REST): an allowed call then
     *                   leaves exactly one audit line too (RESP commands may run several operations)
     */
    static void check(String endpoint, Probe p, List<String> failures, boolean exactAudit) {
        expect(failures, endpoint + " without credentials", p, null, p.without(), exactAudit);
        expect(failures, endpoint + " with a malformed credential", p,
                "vxk_000000000000_not-a-real-secret-000000000000000000000000000", Outcome.UNAUTHENTICATED, exactAudit);
        if (p.op() != null) {
            expect(failures, endpoint + " with a key without the " + p.op().role().text() + " role", p, p.wrong(),
                    Outcome.DENIED, exactAudit);
            if (p.namesCollection()) {
                expect(failures, endpoint + " with a key limited to another collection", p, KEYS.get("scoped"),
                        Outcome.DENIED, exactAudit);
            }
        }
        expect(failures, endpoint + " with the right key", p, p.right(), Outcome.ALLOWED, exactAudit);
    }

    /**
     * Calls, compares the outcome, and checks the audit lines the call left: a refusal exactly one,
     * with its outcome and the key's id (never the secret); an allowed core operation one (or, for
     * RESP, at least one) with no refusal among them; an allowed call outside the core none.
     */
    static void expect(List<String> failures, String what, Probe p, String key, Outcome expected, boolean exactAudit) {
        int before = auditLines().size();
        Outcome got = p.call().apply(key);
        if (expected != got) {
            failures.add(what + ": expected " + expected + ", got " + got);
            return;
        }
        List<String> lines = auditLines();
        List<String> added = lines.subList(before, lines.size());
        if (key != null && added.stream().anyMatch(l -> l.contains(key.substring(17)))) {
            failures.add(what + ": the secret is in the audit log");
        }
        String refusal = got == Outcome.UNAUTHENTICATED ? "\"outcome\":\"UNAUTHENTICATED\""
                : got == Outcome.DENIED ? "\"outcome\":\"PERMISSION_DENIED\"" : null;
        if (refusal != null || p.without() == Outcome.ALLOWED && key == null) {
            // a RESP command that reads before it writes leaves its reads' lines before the refusal
            boolean ok = exactAudit ? added.size() == 1 && added.getFirst().contains(refusal)
                    : !added.isEmpty() && added.getLast().contains(refusal) && added.subList(0, added.size() - 1)
                    .stream().allMatch(l -> l.contains("\"outcome\":\"ok\""));
            if (refusal != null && !ok) {
                failures.add(what + ": expected one audit line with " + refusal + ", got " + added);
            }
            return;
        }
        boolean coreOperation = p.op() != null;
        if (!coreOperation && !added.isEmpty() || coreOperation && (added.isEmpty() || exactAudit && added.size() != 1)
                || added.stream().anyMatch(l -> l.contains("UNAUTHENTICATED") || l.contains("PERMISSION_DENIED"))) {
            failures.add(what + ": unexpected audit lines " + added);
        }
        if (coreOperation && !added.isEmpty() && !added.getFirst().contains("\"principal\":\"" + key.substring(4, 16))) {
            failures.add(what + ": the audit line does not name the key " + added.getFirst());
        }
    }

    /** Every line of the audit log so far. */
    static List<String> auditLines() {
        cluster.core().security().audit().flush();
        try {
            return Files.readAllLines(dir.resolve("audit.log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAuditLogOfTheMatrixVerifies() throws Exception {
        everyRestRoute();
        cluster.core().security().audit().flush();
        org.vxdb.service.audit.AuditVerifier.Result r = org.vxdb.service.audit.AuditVerifier.verify(
                List.of(dir.resolve("audit.log")));
        assertEquals(org.vxdb.service.audit.AuditVerifier.Status.INTACT, r.status(), r.summary());
    }

    // ------------------------------------------------------------------------------------------
    // gRPC

    @Test
    void everyGrpcMethod() {
        Map<String, Probe> table = new LinkedHashMap<>();
        grpc(table, CollectionServiceGrpc.getCreateCollectionMethod(), Operation.CREATE_COLLECTION, true,
                create("made-by-grpc", Metric.L2));
        grpc(table, CollectionServiceGrpc.getDescribeCollectionMethod(), Operation.DESCRIBE_COLLECTION, true,
                DescribeCollectionRequest.newBuilder().setName("docs").build());
        grpc(table, CollectionServiceGrpc.getListCollectionsMethod(), Operation.LIST_COLLECTIONS, false,
                ListCollectionsRequest.getDefaultInstance());
        grpc(table, CollectionServiceGrpc.getDropCollectionMethod(), Operation.DROP_COLLECTION, true,
                DropCollectionRequest.newBuilder().setName("made-by-grpc").build());
        grpc(table, CollectionServiceGrpc.getAddMetadataIndexMethod(), Operation.ADD_METADATA_INDEX, true,
                AddMetadataIndexRequest.newBuilder().setCollection("docs").setIndex(MetadataIndexSpec.newBuilder()
                        .setField("tag").setKind(MetadataIndexKind.METADATA_INDEX_INVERTED)).build());
        grpc(table, VectorServiceGrpc.getInsertMethod(), Operation.INSERT, true, write("docs", 1_000_000));
        grpc(table, VectorServiceGrpc.getUpsertMethod(), Operation.UPSERT, true, write("docs", 1));
        grpc(table, VectorServiceGrpc.getStreamUpsertMethod(), Operation.UPSERT, true,
                StreamWriteRequest.newBuilder().setSequence(1).setBatch(write("docs", 2)).build());
        grpc(table, VectorServiceGrpc.getGetMethod(), Operation.GET, true,
                GetRequest.newBuilder().setCollection("docs").addIds(1).build());
        grpc(table, VectorServiceGrpc.getDeleteMethod(), Operation.DELETE, true,
                DeleteRequest.newBuilder().setCollection("docs").addIds(99).build());
        grpc(table, VectorServiceGrpc.getSearchMethod(), Operation.SEARCH, true, SearchRequest.newBuilder()
                .setCollection("docs").setK(1).addAllQuery(List.of(1f, 0f, 0f)).build());
        grpc(table, HealthGrpc.getCheckMethod(), null, false, HealthCheckRequest.getDefaultInstance());
        grpc(table, HealthGrpc.getWatchMethod(), null, false, HealthCheckRequest.getDefaultInstance());
        grpc(table, ServerReflectionGrpc.getServerReflectionInfoMethod(), null, false,
                ServerReflectionRequest.newBuilder().setListServices("").build());

        Set<String> served = new TreeSet<>(cluster.coordinator().grpcMethods());
        assertEquals(served, new TreeSet<>(table.keySet()), "gRPC methods without a row in the matrix");
        List<String> failures = new ArrayList<>();
        table.forEach((name, p) -> check("gRPC " + name, p, failures, true));
        assertEquals(List.of(), failures);
    }

    private static <Q extends Message> void grpc(Map<String, Probe> table, MethodDescriptor<Q, ?> m, Operation op,
                                                 boolean namesCollection, Q request) {
        table.put(m.getFullMethodName(), new Probe(op, namesCollection, key -> grpcCall(m, request, key)));
    }

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** One call of any kind: sends the request, half-closes, and takes the first answer or the status. */
    static <Q, R> Outcome grpcCall(MethodDescriptor<Q, R> method, Q request, String key) {
        ManagedChannel channel = cluster.channel();
        ClientCall<Q, R> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(AUTHORIZATION, "Bearer " + key);
        }
        CompletableFuture<Status> done = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(R message) {
                done.complete(Status.OK);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, headers);
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        Status s = done.join();
        call.cancel("answered", null);
        // the matrix's own requests are well formed: a refusal of their content means a broken row
        assertTrue(s.getCode() != Status.Code.INVALID_ARGUMENT && s.getCode() != Status.Code.INTERNAL,
                method.getFullMethodName() + ": " + s);
        return switch (s.getCode()) {
            case UNAUTHENTICATED -> Outcome.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Outcome.DENIED;
            default -> Outcome.ALLOWED;
        };
    }

    static CreateCollectionRequest create(String name, Metric metric) {
        return CreateCollectionRequest.newBuilder().setSpec(CollectionSpec.newBuilder().setName(name).setDimension(3)
                .setMetric(metric)).build();
    }

    static WriteRequest write(String collection, long id) {
        return WriteRequest.newBuilder().setCollection(collection).addVectors(Vector.newBuilder().setId(id)
                .addAllValues(List.of(1f, 0f, 0f))).build();
    }

    // ------------------------------------------------------------------------------------------
    // Storage nodes: every method needs the cluster's certificate

    @Test
    void everyNodeMethodNeedsTheClusterCertificate() throws Exception {
        StorageNode node = cluster.nodes().getFirst();
        List<String> methods = node.grpcMethods();
        assertTrue(methods.contains("vxdb.internal.v1.StorageNodeService/WriteShard"), methods.toString());
        int port = node.grpcAddress().getPort();
        ManagedChannel trustOnly = Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials
                .newBuilder().trustManager(cluster.certs().ca().toFile()).build()).build();
        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        ManagedChannel clusterCert = Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials
                .newBuilder().trustManager(cluster.certs().ca().toFile()).keyManager(cluster.certs().cert("client")
                        .toFile(), cluster.certs().key("client").toFile()).build()).build();
        try {
            List<String> failures = new ArrayList<>();
            for (String method : methods) {
                for (Map.Entry<String, ManagedChannel> refused : Map.of("without a client certificate", trustOnly,
                        "in plaintext", plaintext).entrySet()) {
                    Status s = RawGrpcCall.call(refused.getValue(), method, new byte[0]);
                    if (s.getCode() != Status.Code.UNAVAILABLE) {
                        failures.add(method + " " + refused.getKey() + ": " + s);
                    }
                }
                Status s = RawGrpcCall.call(clusterCert, method, new byte[0]); // an empty request: any answer but a refused connection
                if (s.getCode() == Status.Code.UNAVAILABLE) {
                    failures.add(method + " with the cluster certificate: " + s);
                }
            }
            assertEquals(List.of(), failures);
        } finally {
            for (ManagedChannel c : List.of(trustOnly, plaintext, clusterCert)) {
                c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Plaintext to a TLS listener

    @Test
    void plaintextToEveryCoordinatorListenerIsRefused() throws Exception {
        ManagedChannel plain = ManagedChannelBuilder.forAddress("127.0.0.1", cluster.coordinator().grpcAddress()
                .getPort()).usePlaintext().build();
        try {
            assertEquals(Status.Code.UNAVAILABLE, RawGrpcCall.call(plain, "vxdb.v1.CollectionService/ListCollections",
                    new byte[0]).getCode());
        } finally {
            plain.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThrows(IOException.class, () -> plainHttp.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + cluster.restPort() + "/v1/collections")).header("Authorization", "Bearer " + KEYS.get("admin"))
                .build(), HttpResponse.BodyHandlers.ofString()));
        try (RespClients.Raw c = new RespClients.Raw(cluster.respPort())) {
            c.send(RespClients.command("AUTH", KEYS.get("admin")));
            c.send(RespClients.command("PING"));
            String answer = c.readUntilClosed();
            assertTrue(!answer.contains("+OK") && !answer.contains("PONG"), answer);
        }
        // and the listeners go on serving TLS clients
        assertEquals(Outcome.ALLOWED, restCall("GET", "/v1/collections", null, KEYS.get("read")));
    }

    // ------------------------------------------------------------------------------------------
    // REST

    static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(cluster.certs()
                .trustingContext()).build();
    }

    @Test
    void everyRestRoute() {
        Map<String, Probe> table = new LinkedHashMap<>();
        String v = "/v1/collections/docs/vectors";
        rest(table, "POST /v1/collections", Operation.CREATE_COLLECTION, true, "/v1/collections",
                "{\"name\":\"made-by-rest\",\"dimension\":3,\"metric\":\"l2\"}");
        rest(table, "GET /v1/collections", Operation.LIST_COLLECTIONS, false, "/v1/collections", null);
        rest(table, "GET /v1/collections/{name}", Operation.DESCRIBE_COLLECTION, true, "/v1/collections/docs", null);
        rest(table, "DELETE /v1/collections/{name}", Operation.DROP_COLLECTION, true, "/v1/collections/made-by-rest",
                null);
        rest(table, "POST /v1/collections/{name}/metadata-indexes", Operation.ADD_METADATA_INDEX, true,
                "/v1/collections/docs/metadata-indexes", "{\"field\":\"tag\",\"kind\":\"inverted\"}");
        rest(table, "POST " + "/v1/collections/{name}/vectors", Operation.INSERT, true, v,
                "{\"vectors\":[{\"id\":2000000,\"values\":[1,0,0]}]}");
        rest(table, "PUT /v1/collections/{name}/vectors", Operation.UPSERT, true, v,
                "{\"vectors\":[{\"id\":3,\"values\":[1,0,0]}]}");
        rest(table, "POST /v1/collections/{name}/vectors/get", Operation.GET, true, v + "/get", "{\"ids\":[3]}");
        rest(table, "POST /v1/collections/{name}/vectors/delete", Operation.DELETE, true, v + "/delete",
                "{\"ids\":[98]}");
        rest(table, "GET /v1/collections/{name}/vectors/{id}", Operation.GET, true, v + "/3", null);
        rest(table, "DELETE /v1/collections/{name}/vectors/{id}", Operation.DELETE, true, v + "/97", null);
        rest(table, "POST /v1/collections/{name}/vectors:stream", Operation.UPSERT, true,
                "/v1/collections/docs/vectors:stream", "{\"id\":4,\"values\":[1,0,0]}\n");
        rest(table, "POST /v1/collections/{name}/search", Operation.SEARCH, true, "/v1/collections/docs/search",
                "{\"vector\":[1,0,0],\"k\":1}");
        rest(table, "GET /v1/cluster", Operation.CLUSTER_STATUS, false, "/v1/cluster", null);
        rest(table, "GET /v1/collections/{name}/shards", Operation.DESCRIBE_SHARDS, true, "/v1/collections/docs/shards",
                null);
        table.put("GET /v1/metrics/live", new Probe(Operation.WATCH_METRICS, false, SecurityMatrixTest::liveStream));
        // The dashboard's files hold no data: served without a key, but a key that is sent is checked.
        for (String[] open : new String[][] {{"/", "/"}, {"/dashboard", "/dashboard"}, {"/dashboard/", "/dashboard/"},
            {"/dashboard/{file}", "/dashboard/app.js"}, {"/dashboard/vendor/{file}", "/dashboard/vendor/uPlot.min.css"}}) {
            table.put("GET " + open[0], new Probe(null, false, key -> restCall("GET", open[1], null, key),
                    Outcome.ALLOWED));
        }
        rest(table, "GET /openapi.yaml", null, false, "/openapi.yaml", null);
        rest(table, "GET /openapi.json", null, false, "/openapi.json", null);

        Set<String> served = new TreeSet<>();
        RestAdapter.endpoints().forEach(e -> served.add(e.substring(0, e.lastIndexOf(' '))));
        assertEquals(served, new TreeSet<>(table.keySet()), "REST routes without a row in the matrix");
        List<String> failures = new ArrayList<>();
        table.forEach((name, p) -> check("REST " + name, p, failures, true));
        assertEquals(List.of(), failures);
    }

    private static void rest(Map<String, Probe> table, String route, Operation op, boolean namesCollection,
                             String path, String body) {
        String method = route.substring(0, route.indexOf(' '));
        table.put(route, new Probe(op, namesCollection, key -> restCall(method, path, body, key)));
    }

    static Outcome restCall(String method, String path, String body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cluster.restPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", path.endsWith(":stream") ? "application/x-ndjson" : "application/json");
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<String> r = http().send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 401) {
                assertEquals("Bearer realm=\"vxdb\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
                assertTrue(r.body().contains("\"code\":\"UNAUTHENTICATED\""), r.body());
                return Outcome.UNAUTHENTICATED;
            }
            if (r.statusCode() == 403) {
                assertTrue(r.body().contains("\"code\":\"PERMISSION_DENIED\""), r.body());
                return Outcome.DENIED;
            }
            assertTrue(r.statusCode() != 400 && r.statusCode() < 500, method + " " + path + ": " + r.statusCode() + " "
                    + r.body());
            if (key != null && key.equals(KEYS.get("admin")) || r.statusCode() / 100 == 2) {
                // the right key: done, or the thing named does not exist
                assertTrue(r.statusCode() / 100 == 2 || r.statusCode() == 404, method + " " + path + ": "
                        + r.statusCode() + " " + r.body());
            }
            return Outcome.ALLOWED;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The live figures' event stream: only its status and head are read, then the connection is dropped. */
    static Outcome liveStream(String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cluster.restPort()
                + "/v1/metrics/live")).timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<java.io.InputStream> r = http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = r.body()) {
                if (r.statusCode() == 200) {
                    assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(null));
                    return Outcome.ALLOWED;
                }
                String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (r.statusCode() == 401) {
                    assertTrue(text.contains("\"code\":\"UNAUTHENTICATED\""), text);
                    return Outcome.UNAUTHENTICATED;
                }
                assertEquals(403, r.statusCode(), text);
                assertTrue(text.contains("\"code\":\"PERMISSION_DENIED\""), text);
                return Outcome.DENIED;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // WebSocket streams

    @Test
    void webSocketStreamsTakeCredentialsInTheUpgradeOrTheOpenMessage() throws Exception {
        String batch = "{\"type\":\"batch\",\"seq\":1,\"vectors\":[{\"id\":5,\"values\":[1,0,0]}]}";
        // no credentials: the first message that is not an open with a token closes the session 1008
        WsResult none = ws(null, "?collection=docs", List.of(batch));
        assertEquals(1008, none.closeStatus());
        assertEquals(Security.AUTH_REQUIRED, none.closeReason());
        // a bad key in the upgrade: close 1008 with the reason
        WsResult bad = ws("vxk_000000000000_not-a-real-secret-000000000000000000000000000", "?collection=docs",
                List.of());
        assertEquals(1008, bad.closeStatus());
        assertEquals(Security.INVALID_KEY, bad.closeReason());
        // a key without the write role: the session opens (DescribeCollection needs read only), the batch is refused
        WsResult reader = ws(KEYS.get("read"), "?collection=docs", List.of(batch));
        assertTrue(reader.messages().stream().anyMatch(m -> m.contains("\"code\":\"PERMISSION_DENIED\"")),
                reader.messages().toString());
        // a key limited to another collection: the open is refused
        WsResult scoped = ws(KEYS.get("scoped"), "?collection=docs", List.of());
        assertEquals(1008, scoped.closeStatus());
        assertEquals("key " + KEYS.get("scoped").substring(4, 16) + " may not DescribeCollection collection 'docs':"
                + " it is limited to collections [allowed]", scoped.closeReason());
        // the right key in the upgrade header: written and acknowledged
        WsResult writer = ws(KEYS.get("admin"), "?collection=docs", List.of(batch));
        assertTrue(writer.messages().stream().anyMatch(m -> m.contains("\"type\":\"ack\"")), writer.messages()
                .toString());
        // or in the open message
        WsResult opened = ws(null, "", List.of("{\"type\":\"open\",\"collection\":\"docs\",\"token\":\""
                + KEYS.get("admin") + "\"}", batch));
        assertTrue(opened.messages().stream().anyMatch(m -> m.contains("\"type\":\"ack\"")), opened.messages()
                .toString());
        // a wrong token in the open message
        WsResult wrongOpen = ws(null, "", List.of("{\"type\":\"open\",\"collection\":\"docs\",\"token\":\"nope\"}"));
        assertEquals(1008, wrongOpen.closeStatus());
        assertEquals("the credential is neither an API key (vxk_<id>_<secret>) nor a JWT", wrongOpen.closeReason());
    }

    record WsResult(List<String> messages, int closeStatus, String closeReason) {
    }

    /** Connects, sends the messages one by one, and collects what comes back until the close or 3 s of quiet. */
    static WsResult ws(String key, String query, List<String> send) throws Exception {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<int[]> closed = new CompletableFuture<>();
        String[] reason = new String[1];
        WebSocket.Builder b = http().newWebSocketBuilder();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        WebSocket socket = b.buildAsync(URI.create("wss://127.0.0.1:" + cluster.restPort() + "/v1/stream" + query),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String why) {
                        reason[0] = why;
                        closed.complete(new int[] {status});
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        for (String m : send) {
            socket.sendText(m, true).get(20, TimeUnit.SECONDS);
        }
        int status = -1;
        try {
            status = closed.get(3, TimeUnit.SECONDS)[0];
        } catch (java.util.concurrent.TimeoutException e) {
            socket.abort();
        }
        return new WsResult(List.copyOf(got), status, reason[0]);
    }

    // ------------------------------------------------------------------------------------------
    // RESP

    @Test
    void everyRespCommand() {
        Map<String, Probe> table = new LinkedHashMap<>();
        // outside the core: any authenticated connection
        for (String c : List.of("ping", "echo x", "select 0", "info server", "command count", "client id", "multi",
                "exec", "discard")) {
            resp(table, c, null, false);
        }
        // before authentication, as in Redis: AUTH, HELLO (with AUTH), QUIT and RESET
        table.put("auth", new Probe(null, false, key -> respOutcome(respRaw(null, "AUTH", key == null ? "" : key))));
        table.put("hello", new Probe(null, false, key -> respOutcome(key == null ? respRaw(null, "HELLO", "2")
                : respRaw(null, "HELLO", "2", "AUTH", "default", key))));
        // QUIT and RESET answer before authentication (as in Redis); RESET also forgets it (see below)
        table.put("quit", new Probe(null, false, key -> respOutcome(respRaw(key, "QUIT")), Outcome.ALLOWED));
        table.put("reset", new Probe(null, false, key -> respOutcome(respRaw(key, "RESET")), Outcome.ALLOWED));
        resp(table, "vector.create made-by-resp DIM 3 METRIC L2", Operation.CREATE_COLLECTION, true);
        resp(table, "vector.drop made-by-resp", Operation.DROP_COLLECTION, true);
        resp(table, "vector.info docs", Operation.DESCRIBE_COLLECTION, true);
        resp(table, "vector.list", Operation.LIST_COLLECTIONS, false);
        resp(table, "vector.add docs 6 1 0 0", Operation.UPSERT, true);
        resp(table, "vector.madd docs DIM 3 7 1 0 0", Operation.UPSERT, true);
        resp(table, "vector.search docs K 1 1 0 0", Operation.SEARCH, true);
        resp(table, "vector.get docs 6", Operation.GET, true);
        resp(table, "vector.del docs 96", Operation.DELETE, true);
        // VADD, VSETATTR and VREM read the element before they write it (their answers say whether it existed)
        readWrite(table, "vadd vs VALUES 3 1 0 0 a");
        resp(table, "vsim vs VALUES 3 1 0 0", Operation.SEARCH, true);
        readWrite(table, "vsetattr vs a {}");
        readWrite(table, "vrem vs a");
        resp(table, "vcard vs", Operation.DESCRIBE_COLLECTION, true);
        resp(table, "vdim vs", Operation.DESCRIBE_COLLECTION, true);
        resp(table, "vemb vs a", Operation.GET, true);
        resp(table, "vgetattr vs a", Operation.GET, true);
        resp(table, "vinfo vs", Operation.DESCRIBE_COLLECTION, true);
        resp(table, "vismember vs a", Operation.GET, true);
        resp(table, "del made-by-resp", Operation.DROP_COLLECTION, true);
        resp(table, "exists docs", Operation.DESCRIBE_COLLECTION, true);
        resp(table, "type docs", Operation.DESCRIBE_COLLECTION, true);
        // refused by VxDB whatever the key (no per-key graph): any authenticated connection gets the refusal
        for (String c : List.of("vrandmember vs", "vlinks vs a", "vrange vs - +")) {
            resp(table, c, null, false);
        }
        RespAdapter adapter = new RespAdapter(new ProtocolContext(cluster.core(), ListenerLimits.defaults(),
                new ClientRateLimits(0, 0), null));
        Set<String> served = new TreeSet<>(adapter.commandNames());
        assertEquals(served, new TreeSet<>(table.keySet()), "RESP commands without a row in the matrix");
        List<String> failures = new ArrayList<>();
        table.forEach((name, p) -> check("RESP " + name, p, failures, false));
        assertEquals(List.of(), failures);
    }

    @Test
    void respResetForgetsTheAuthentication() throws IOException {
        try (RespClients.Raw c = new RespClients.Raw(cluster.respPort(), cluster.certs().trustingContext())) {
            assertEquals("-NOAUTH authentication required: send an API key or a token",
                    c.send(RespClients.command("PING")).readReply());
            assertEquals("OK", c.send(RespClients.command("AUTH", KEYS.get("read"))).readReply());
            assertEquals("PONG", c.send(RespClients.command("PING")).readReply());
            assertEquals("RESET", c.send(RespClients.command("RESET")).readReply());
            assertEquals("-NOAUTH authentication required: send an API key or a token",
                    c.send(RespClients.command("PING")).readReply());
            String key = KEYS.get("write");
            assertEquals("OK", c.send(RespClients.command("AUTH", key.substring(4, 16), key.substring(17)))
                    .readReply());
            assertEquals("-NOPERM key " + key.substring(4, 16) + " (roles: write) may not Search: that needs the read"
                    + " role", c.send(RespClients.command("VECTOR.SEARCH", "docs", "K", "1", "1", "0", "0")).readReply());
        }
    }

    private static void resp(Map<String, Probe> table, String command, Operation op, boolean namesCollection) {
        String[] args = command.split(" ");
        table.put(args[0], new Probe(op, namesCollection, key -> respOutcome(respRaw(key, args))));
    }

    private static void readWrite(Map<String, Probe> table, String command) {
        String[] args = command.split(" ");
        table.put(args[0], new Probe(Operation.UPSERT, true, key -> respOutcome(respRaw(key, args)),
                Outcome.UNAUTHENTICATED, KEYS.get("read-write"), KEYS.get("read")));
    }

    /** Authenticates with AUTH when a key is given (its refusal is the answer), then runs the command. */
    static Object respRaw(String key, String... args) {
        try (RespClients.Raw c = new RespClients.Raw(cluster.respPort(), cluster.certs().trustingContext())) {
            if (key != null) {
                Object auth = c.send(RespClients.command("AUTH", key)).readReply();
                if (!"OK".equals(auth)) {
                    return auth;
                }
            }
            Object reply = c.send(RespClients.command((Object[]) args)).readReply();
            if ("multi".equalsIgnoreCase(args[0]) && "OK".equals(reply)) {
                c.send(RespClients.command("DISCARD")).readReply();
            }
            return reply;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Outcome respOutcome(Object reply) {
        if (reply instanceof String s && s.startsWith("-NOAUTH ")) {
            return Outcome.UNAUTHENTICATED;
        }
        if (reply instanceof String s && s.startsWith("-WRONGPASS ")) {
            return Outcome.UNAUTHENTICATED;
        }
        if (reply instanceof String s && s.startsWith("-NOPERM ")) {
            return Outcome.DENIED;
        }
        return Outcome.ALLOWED;
    }
}
