package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vxdb.coordinator.security.TlsProbe.respPing;
import static org.vxdb.coordinator.security.TlsProbe.restGet;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import org.vxdb.service.tls.DevCerts;

/** {@code tls.client_auth: require}: the coordinator's public listeners take only clients with a certificate of the CA. */
class TlsClientAuthTest {

    @TempDir
    static Path dir;
    static DevCerts certs;
    static InProcessCluster cluster;

    @BeforeAll
    static void startRequiringClientCertificates() throws IOException {
        certs = DevCerts.make(dir.resolve("certs"), "node-1", "node-2", "coordinator", "client");
        cluster = InProcessCluster.startSecured(dir, certs.yaml("coordinator", "client_auth: require"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldServeClientsWithACertificateOfTheCa() throws IOException {
        assertEquals(200, restGet(certs.clientContext("client"), cluster.restPort(), "/v1/collections").statusCode());
        assertEquals("+PONG", respPing(certs.clientContext("client"), cluster.respPort()).reply());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(cluster.channel())
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void shouldRefuseClientsWithoutACertificate() throws IOException {
        assertThrows(IOException.class, () -> restGet(certs.trustingContext(), cluster.restPort(), "/v1/collections"));
        try {
            assertNotEquals("+PONG", respPing(certs.trustingContext(), cluster.respPort()).reply());
        } catch (IOException refused) {
            // TLS 1.3: the client may finish its side of the handshake before the server's refusal arrives
        }
        ManagedChannel noCertificate = NettyChannelBuilder.forAddress("127.0.0.1",
                cluster.coordinator().grpcAddress().getPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(certs.ca().toFile()).build()).build();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                    .newBlockingStub(noCertificate).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            noCertificate.shutdownNow();
        }
    }
}
