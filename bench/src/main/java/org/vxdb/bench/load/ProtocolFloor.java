package org.vxdb.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.vxdb.bench.storage.BenchOptions;
import org.vxdb.bench.storage.JsonLine;

/**
 * {@code ./vxdb bench floor}: the cost of one empty round trip on each client protocol of a
 * coordinator, measured in the same run as the figures it is the floor of: a gRPC health check,
 * a REST request the adapter answers itself (404 for a path that does not exist), a RESP
 * {@code PING}. None of them reaches a storage node. One client, closed loop, {@code --duration}
 * seconds per protocol after {@code --warmup} calls.
 */
final class ProtocolFloor {

    static final Set<String> OPTIONS = Set.of("grpc", "rest", "resp", "duration", "warmup", "json");

    private ProtocolFloor() {
    }

    /** One round trip; throws when the answer is not the expected one. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    static JsonLine run(BenchOptions o, PrintStream out) throws Exception {
        int seconds = o.integer("duration", 10, 1);
        int warmup = o.integer("warmup", 2000, 0);
        JsonLine json = new JsonLine().put("workload", "floor");
        List<JsonLine> rows = new ArrayList<>();
        if (o.has("grpc")) {
            rows.add(grpc(o.string("grpc", null), seconds, warmup, out));
        }
        if (o.has("rest")) {
            rows.add(rest(o.string("rest", null), seconds, warmup, out));
        }
        if (o.has("resp")) {
            rows.add(resp(o.string("resp", null), seconds, warmup, out));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("floor: name at least one of --grpc, --rest, --resp HOST:PORT");
        }
        return json.put("protocols", rows);
    }

    private static JsonLine grpc(String address, int seconds, int warmup, PrintStream out) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            return measure("grpc health check", () -> health.check(HealthCheckRequest.getDefaultInstance()), seconds,
                    warmup, out);
        } finally {
            channel.shutdownNow();
        }
    }

    private static JsonLine rest(String address, int seconds, int warmup, PrintStream out) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/v1/floor")).GET().build();
            return measure("rest 404 from the adapter", () -> {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 404) {
                    throw new IllegalStateException("expected 404, got " + r.statusCode());
                }
            }, seconds, warmup, out);
        }
    }

    private static JsonLine resp(String address, int seconds, int warmup, PrintStream out) throws Exception {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))));
            OutputStream o = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] pong = new byte[7];
            return measure("resp PING", () -> {
                o.write(ping);
                o.flush();
                if (in.readNBytes(pong, 0, 7) != 7 || !new String(pong, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    throw new IOException("expected +PONG");
                }
            }, seconds, warmup, out);
        }
    }

    private static JsonLine measure(String what, Call call, int seconds, int warmup, PrintStream out)
            throws Exception {
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        Histogram h = new Histogram(3_600_000_000L, 3);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long calls = 0;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            call.run();
            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            calls++;
        }
        out.printf(Locale.ROOT, "%-28s %8d calls  p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  max %8.1f us%n", what,
                calls, (double) h.getValueAtPercentile(50), (double) h.getValueAtPercentile(99),
                (double) h.getValueAtPercentile(99.9), (double) h.getMaxValue());
        return new JsonLine().put("what", what).put("calls", calls).put("p50_us", h.getValueAtPercentile(50))
                .put("p99_us", h.getValueAtPercentile(99)).put("p99_9_us", h.getValueAtPercentile(99.9))
                .put("max_us", h.getMaxValue());
    }
}
