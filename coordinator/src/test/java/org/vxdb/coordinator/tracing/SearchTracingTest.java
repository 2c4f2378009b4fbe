package org.vxdb.coordinator.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.tracing.Tracing;

/**
 * A search through a coordinator and two real nodes over loopback gRPC is one trace: the
 * coordinator's root span, a child per node call, on each node a span for its SearchShards call
 * (the child of that node call, reached through the {@code traceparent} header) and one per
 * shard inside it. Every server records into the SDK's in-memory exporter under its own service
 * name. The cluster has 4 clusters at RF 2: node-1 is primary of 0-1, node-2 of 2-3.
 */
class SearchTracingTest {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<List<String>> RANGES = AttributeKey.stringArrayKey("vxdb.ranges");

    @TempDir
    Path dir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final List<Tracing> tracings = new ArrayList<>();

    @AfterEach
    void closeTracing() {
        tracings.forEach(Tracing::close);
    }

    private InProcessCluster start(double sampleRatio) throws Exception {
        return InProcessCluster.startTraced(dir, id -> {
            Tracing t = Tracing.exportingTo(exporter, sampleRatio, "vxdb-" + id);
            tracings.add(t);
            return t;
        });
    }

    private static SearchResponse writeAndSearch(InProcessCluster cluster) {
        CollectionServiceGrpc.newBlockingStub(cluster.channel()).createCollection(CreateCollectionRequest.newBuilder()
                .setSpec(CollectionSpec.newBuilder().setName("traced").setDimension(2).setMetric(Metric.L2)).build());
        WriteRequest.Builder write = WriteRequest.newBuilder().setCollection("traced");
        for (int i = 0; i < 40; i++) {
            write.addVectors(Vector.newBuilder().setId(i).addValues(i).addValues(0));
        }
        VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(cluster.channel());
        vectors.upsert(write.build());
        return vectors.search(SearchRequest.newBuilder().setCollection("traced").addQuery(3).addQuery(0).setK(3)
                .build());
    }

    private static List<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static String service(SpanData s) {
        return s.getResource().getAttribute(SERVICE_NAME);
    }

    @Test
    void shouldRecordASearchAsOneTraceFromCoordinatorThroughEachNodeCallToEachShard() throws Exception {
        try (InProcessCluster cluster = start(1.0)) {
            exporter.reset();
            SearchResponse response = writeAndSearch(cluster);
            assertEquals(Set.of(2L, 3L, 4L), response.getHitsList().stream().map(h -> h.getId())
                    .collect(Collectors.toSet()));
        }
        List<SpanData> spans = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("vxdb.search") || s.getName().startsWith("vxdb.node.search")
                        || s.getName().equals("vxdb.shard.search")).toList();

        SpanData root = named(spans, "vxdb.search").getFirst();
        assertEquals(1, named(spans, "vxdb.search").size());
        assertFalse(root.getParentSpanContext().isValid(), "the root span has no parent");
        assertEquals(SpanKind.SERVER, root.getKind());
        assertEquals("vxdb-coord-test", service(root));
        assertEquals("traced", root.getAttributes().get(Tracing.COLLECTION));
        assertEquals(3L, root.getAttributes().get(Tracing.K));
        assertEquals(3L, root.getAttributes().get(Tracing.HITS));
        assertEquals(false, root.getAttributes().get(Tracing.PARTIAL));
        String traceId = root.getTraceId();
        assertTrue(spans.stream().allMatch(s -> s.getTraceId().equals(traceId)), "one trace");

        Map<String, SpanData> callByNode = new TreeMap<>();
        for (SpanData call : named(spans, "vxdb.search.node_call")) {
            assertEquals(root.getSpanId(), call.getParentSpanId());
            assertEquals(SpanKind.CLIENT, call.getKind());
            assertEquals("vxdb-coord-test", service(call));
            assertEquals(2L, call.getAttributes().get(Tracing.SHARD_COUNT));
            callByNode.put(call.getAttributes().get(Tracing.NODE_ID), call);
        }
        assertEquals(Set.of("node-1", "node-2"), callByNode.keySet());
        assertEquals(List.of("0-1"), callByNode.get("node-1").getAttributes().get(RANGES));
        assertEquals(List.of("2-3"), callByNode.get("node-2").getAttributes().get(RANGES));

        Map<String, SpanData> nodeSpanByNode = new TreeMap<>();
        for (SpanData onNode : named(spans, "vxdb.node.search_shards")) {
            String node = onNode.getAttributes().get(Tracing.NODE_ID);
            assertEquals(callByNode.get(node).getSpanId(), onNode.getParentSpanId(),
                    "the node's span is the child of the coordinator's call to that node");
            assertTrue(onNode.getParentSpanContext().isRemote(), "reached through the traceparent header");
            assertEquals(SpanKind.SERVER, onNode.getKind());
            assertEquals("vxdb-" + node, service(onNode));
            assertEquals("traced", onNode.getAttributes().get(Tracing.COLLECTION));
            assertEquals(2L, onNode.getAttributes().get(Tracing.SHARD_COUNT));
            nodeSpanByNode.put(node, onNode);
        }
        assertEquals(Set.of("node-1", "node-2"), nodeSpanByNode.keySet());

        Map<String, Set<Long>> shardsByNode = named(spans, "vxdb.shard.search").stream().collect(Collectors.groupingBy(
                s -> nodeSpanByNode.entrySet().stream().filter(e -> e.getValue().getSpanId()
                        .equals(s.getParentSpanId())).map(Map.Entry::getKey).findFirst().orElse("no node span"),
                TreeMap::new, Collectors.mapping(s -> s.getAttributes().get(Tracing.SHARD), Collectors.toSet())));
        assertEquals(Map.of("node-1", Set.of(0L, 1L), "node-2", Set.of(2L, 3L)), shardsByNode);
        assertEquals(9, spans.size(), () -> "root, 2 node calls, 2 node spans, 4 shard spans: " + spans);
    }

    @Test
    void shouldContinueTheTraceOfAClientThatSendsATraceparent() throws Exception {
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + clientTrace + "-" + clientSpan + "-01");
        try (InProcessCluster cluster = start(1.0)) {
            writeAndSearch(cluster);
            exporter.reset();
            VectorServiceGrpc.newBlockingStub(cluster.channel())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .search(SearchRequest.newBuilder().setCollection("traced").addQuery(1).addQuery(0).setK(1).build());
        }
        SpanData root = named(exporter.getFinishedSpanItems(), "vxdb.search").getFirst();
        assertEquals(clientTrace, root.getTraceId());
        assertEquals(clientSpan, root.getParentSpanId());
        assertTrue(root.getParentSpanContext().isRemote());
        assertTrue(exporter.getFinishedSpanItems().stream().allMatch(s -> s.getTraceId().equals(clientTrace)));
        assertEquals(2, named(exporter.getFinishedSpanItems(), "vxdb.node.search_shards").size());
    }

    @Test
    void shouldRecordNothingAnywhereWhenTheCoordinatorSamplesTheSearchOut() throws Exception {
        try (InProcessCluster cluster = start(0.0)) {
            exporter.reset();
            writeAndSearch(cluster);
        }
        // The nodes follow the coordinator's decision, carried in the traceparent header.
        assertEquals(List.of(), exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList());
    }

    @Test
    void shouldSendNoTraceContextFromACoordinatorWithTracingOff() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.startTraced(dir, id -> {
            if (id.equals("coord-test")) {
                return Tracing.off();
            }
            Tracing t = Tracing.exportingTo(exporter, 1.0, "vxdb-" + id);
            tracings.add(t);
            return t;
        })) {
            exporter.reset();
            writeAndSearch(cluster);
        }
        List<SpanData> onNodes = named(exporter.getFinishedSpanItems(), "vxdb.node.search_shards");
        assertEquals(2, onNodes.size());
        for (SpanData s : onNodes) {
            assertFalse(s.getParentSpanContext().isValid(), "no traceparent arrived: " + s);
        }
        assertEquals(List.of(), named(exporter.getFinishedSpanItems(), "vxdb.search"));
    }

    @Test
    void shouldBeOffWithAnInvalidSpanWhenNotConfigured() {
        Tracing off = Tracing.off();
        assertFalse(off.enabled());
        var span = off.tracer().spanBuilder("vxdb.search").startSpan();
        assertEquals(SpanId.getInvalid(), span.getSpanContext().getSpanId());
        span.end();
        off.close();
    }
}
