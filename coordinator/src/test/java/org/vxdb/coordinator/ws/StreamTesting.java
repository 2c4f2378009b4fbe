package org.vxdb.coordinator.ws;

import java.util.List;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.coordinator.testing.InProcessCluster;

/** What the stream tests share: collections, URLs, reading rows back through the core. */
final class StreamTesting {

    private StreamTesting() {
    }

    static void createCollection(InProcessCluster cluster, String name, int dimension) {
        cluster.core().createCollection(InProcessCluster.context(), CollectionSpec.newBuilder().setName(name)
                .setDimension(dimension).setMetric(Metric.L2).build()).join();
    }

    static String url(InProcessCluster cluster, String query) {
        return "ws://127.0.0.1:" + cluster.restPort() + WebSocketStreams.PATH + query;
    }

    static GetResponse get(InProcessCluster cluster, String collection, List<Long> ids) {
        return cluster.core().get(InProcessCluster.context(), GetRequest.newBuilder().setCollection(collection)
                .addAllIds(ids).setIncludeVectors(true).setIncludeMetadata(true).build()).join();
    }

    /** A ready message with its random session id replaced by "*". */
    static String withoutSession(String message) {
        return message.replaceFirst("\"session\":\"[0-9a-f-]{36}\"", "\"session\":\"*\"");
    }

    /** Component {@code d} of row {@code id} as ws-stream.js makes it: a multiple of 1/8, exact in float32. */
    static float value(long id, int d) {
        return (float) (Long.remainderUnsigned(id * 31 + d * 7L, 1000) / 8.0);
    }

    /** A one-row batch (dimension 3) padded with metadata to exactly {@code bytes} bytes of UTF-8. */
    static String paddedBatch(long seq, long id, int bytes) {
        String head = "{\"type\":\"batch\",\"seq\":" + seq + ",\"vectors\":[{\"id\":" + id
                + ",\"values\":[1,2,3],\"metadata\":{\"pad\":\"";
        String tail = "\"}}]}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    /** Takes every slot of the coordinator's in-flight budget, as a flood of other requests would. */
    static int holdBudget(org.vxdb.coordinator.core.InFlightBudget budget) {
        int held = 0;
        while (true) {
            try {
                budget.acquire();
                held++;
            } catch (org.vxdb.coordinator.core.VxdbException full) {
                return held;
            }
        }
    }

    static void releaseBudget(org.vxdb.coordinator.core.InFlightBudget budget, int held) {
        for (int i = 0; i < held; i++) {
            budget.release();
        }
    }

    /**
     * The coordinator's count of WebSocket batches answered with {@code code}, scraped from its
     * /metrics with curl (0 before the first).
     */
    static long wsBatches(InProcessCluster cluster, String code) throws Exception {
        String series = "vxdb_protocol_requests_total{code=\"" + code + "\",operation=\"batch\",protocol=\"ws\"} ";
        try (ClientProcess curl = ClientProcess.command("curl", "-s",
                "http://127.0.0.1:" + cluster.coordinator().httpAddress().getPort() + "/metrics")) {
            return curl.remainingLines().stream().filter(line -> line.startsWith(series))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(series.length()))).sum();
        }
    }

    static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
