package org.vxdb.bench.load;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.vxdb.vecs.VectorSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code rest=HOST:PORT}: the coordinator's HTTP REST API (docs/api-rest.md) through the JDK's
 * HTTP/1.1 client, JSON bodies written by hand (the cost a plain client pays), vectors as JSON
 * numbers or ({@code --rest-encoding f32}) as base64 float32.
 */
final class RestTarget extends ProtocolTarget {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    /** Vectors as base64 of little-endian float32 ({@code values_f32}) rather than JSON numbers. */
    private final boolean packed;

    /** @param encoding {@code numbers} (JSON number arrays) or {@code f32} (base64 float32) */
    RestTarget(String spec, GrpcTarget control, String encoding, ClientSecurity security) {
        super(spec, control, security);
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls) {
            b.sslContext(security.sslContext(spec));
        }
        this.http = b.build();
        this.base = (tls ? "https://" : "http://") + host + ":" + port + "/v1/collections/";
        this.packed = switch (encoding) {
            case "numbers" -> false;
            case "f32" -> true;
            default -> throw new IllegalArgumentException("--rest-encoding '" + encoding
                    + "' is invalid: use numbers or f32");
        };
    }

    private static String base64(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(b.array());
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        MemorySegment data = rows.data();
        int dim = rows.dimension();
        StringBuilder body = new StringBuilder((to - from) * dim * 12 + 64).append("{\"vectors\":[");
        for (int r = from; r < to; r++) {
            if (r > from) {
                body.append(',');
            }
            body.append("{\"id\":").append(idOffset + r);
            long at = (long) r * dim;
            if (packed) {
                float[] row = new float[dim];
                for (int j = 0; j < dim; j++) {
                    row[j] = value(data, at + j);
                }
                body.append(",\"values_f32\":\"").append(base64(row)).append("\"}");
                continue;
            }
            body.append(",\"values\":[");
            for (int j = 0; j < dim; j++) {
                if (j > 0) {
                    body.append(',');
                }
                body.append(value(data, at + j));
            }
            body.append("]}");
        }
        body.append(']');
        if (consistency != null) {
            body.append(",\"consistency\":\"").append(consistency).append('"');
        }
        body.append('}');
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + collection() + "/vectors"))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())), "upsert of rows [" + from + ", " + to + ")");
        long count = answer.path("written").asLong(-1);
        if (count != to - from) {
            throw new IllegalStateException(name + ": upsert of rows [" + from + ", " + to + ") wrote " + count
                    + " of " + (to - from) + ": " + answer);
        }
        written(idOffset + from, idOffset + to);
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        StringBuilder body = new StringBuilder(query.length * 12 + 64);
        if (packed) {
            body.append("{\"vector_f32\":\"").append(base64(query)).append('"');
        } else {
            body.append("{\"vector\":[");
            for (int j = 0; j < query.length; j++) {
                if (j > 0) {
                    body.append(',');
                }
                body.append(query[j]);
            }
            body.append(']');
        }
        body.append(",\"k\":").append(k);
        if (nprobe > 0) {
            body.append(",\"params\":{\"nprobe\":").append(nprobe).append('}');
        }
        body.append('}');
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + collection() + "/search"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "search");
        if (answer.path("partial").asBoolean(false)) {
            throw new IllegalStateException(name + ": search answered partially: " + answer.path("unavailable_ranges"));
        }
        JsonNode hits = answer.path("hits");
        int n = Math.min(hits.size(), ids.length);
        for (int i = 0; i < n; i++) {
            JsonNode hit = hits.get(i);
            ids[i] = Long.parseUnsignedLong(hit.path("id").asString());
            distances[i] = groundTruthUnits((float) hit.path("distance").asDouble());
        }
        fillMissing(n, ids, distances);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<byte[]> response;
        try {
            if (security.bearer() != null) {
                request.header("Authorization", security.bearer());
            }
            response = http.send(request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(name + ": " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": " + what + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + ": " + what + " answered HTTP " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            http.close();
        }
    }
}
