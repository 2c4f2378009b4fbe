package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.tls.DevCerts;

/**
 * Certificate rotation under load: while clients keep calling (a long-lived gRPC channel, and new
 * REST and RESP connections one after the other), the coordinator's certificate and key files are
 * replaced by {@code dev-certs.sh --renew}. New connections get the new certificate, no request fails.
 */
class TlsRotationTest {

    /** Connections each loop makes with the new certificate before the loops stop. */
    private static final int AFTER_ROTATION = 5;

    @TempDir
    Path dir;

    /** One client loop: what it saw, connection by connection, and what failed. */
    private static final class Loop {
        final List<BigInteger> serials = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        long seen(BigInteger serial) {
            return serials.stream().filter(serial::equals).count();
        }
    }

    private interface Call {
        BigInteger run() throws Exception;
    }

    /** Runs {@code call} on a thread of its own until {@code stop}. */
    private static CompletableFuture<Void> run(Loop loop, AtomicBoolean stop, Call call) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get()) {
                try {
                    BigInteger serial = call.run();
                    if (serial != null) {
                        loop.serials.add(serial);
                    }
                    loop.calls.incrementAndGet();
                } catch (Exception | AssertionError e) {
                    loop.failures.add(e);
                }
            }
            done.complete(null);
        });
        return done;
    }

    private static boolean failed(Loop... loops) {
        return Arrays.stream(loops).anyMatch(loop -> !loop.failures.isEmpty());
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.get()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void shouldServeNewConnectionsWithTheRenewedCertificateWithoutFailingARequest() throws Exception {
        DevCerts certs = DevCerts.make(dir.resolve("certs"), "node-1", "node-2", "coordinator", "client");
        try (InProcessCluster cluster = InProcessCluster.startSecured(dir,
                certs.yaml("coordinator", "reload_interval: 50ms"))) {
            CollectionServiceGrpc.newBlockingStub(cluster.channel()).createCollection(CreateCollectionRequest
                    .newBuilder().setSpec(CollectionSpec.newBuilder().setName("rot").setDimension(2)
                            .setMetric(Metric.L2)).build());
            VectorServiceGrpc.VectorServiceBlockingStub vectors = VectorServiceGrpc.newBlockingStub(cluster.channel());
            vectors.upsert(WriteRequest.newBuilder().setCollection("rot")
                    .addVectors(Vector.newBuilder().setId(1).addValues(0).addValues(1)).build());

            BigInteger before = certs.serial("coordinator");
            AtomicBoolean stop = new AtomicBoolean();
            Loop grpc = new Loop();
            Loop rest = new Loop();
            Loop resp = new Loop();
            // Each REST and RESP connection has a context of its own: a full handshake, no resumed session.
            CompletableFuture<?> loops = CompletableFuture.allOf(
                    run(grpc, stop, () -> {
                        assertEquals(1, vectors.search(SearchRequest.newBuilder().setCollection("rot").setK(1)
                                .addQuery(0).addQuery(1).build()).getHits(0).getId());
                        return null;
                    }),
                    run(rest, stop, () -> {
                        HttpResponse<String> r = TlsProbe.restGet(certs.trustingContext(), cluster.restPort(),
                                "/v1/collections/rot");
                        assertEquals(200, r.statusCode(), r.body());
                        return TlsProbe.serial(r);
                    }),
                    run(resp, stop, () -> {
                        TlsProbe.Answer pong = TlsProbe.respPing(certs.trustingContext(), cluster.respPort());
                        assertEquals("+PONG", pong.reply());
                        return pong.serial();
                    }));
            try {
                await("every loop has called with the first certificate",
                        () -> grpc.calls.get() > 3 && rest.seen(before) > 3 && resp.seen(before) > 3
                                || failed(grpc, rest, resp));

                certs.renew("coordinator");
                BigInteger after = certs.serial("coordinator");
                assertNotEquals(before, after);
                await("new connections get the renewed certificate", () -> rest.seen(after) >= AFTER_ROTATION
                        && resp.seen(after) >= AFTER_ROTATION || failed(grpc, rest, resp));
            } finally {
                stop.set(true);
                loops.join();
            }

            assertEquals(List.of(), grpc.failures);
            assertEquals(List.of(), rest.failures);
            assertEquals(List.of(), resp.failures);
            BigInteger after = certs.serial("coordinator");
            for (Loop loop : List.of(rest, resp)) {
                // the old certificate until the reload, the new one from then on
                int switched = loop.serials.indexOf(after);
                assertTrue(switched > 0, loop.serials::toString);
                assertEquals(switched, loop.seen(before), loop.serials::toString);
                assertEquals(loop.serials.size() - switched, loop.seen(after), loop.serials::toString);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + cluster.coordinator().httpAddress().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vxdb_tls_reloads_total 1.0"), metrics);
            assertTrue(metrics.contains("vxdb_tls_reload_failures_total 0.0"), metrics);
        }
    }
}
