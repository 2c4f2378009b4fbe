package org.vxdb.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.index.Metric;
import org.vxdb.node.StorageNode;
import org.vxdb.node.config.NodeConfig;
import org.vxdb.service.tls.DevCerts;

/** The node target over mutual TLS ({@code --tls-ca --tls-cert --tls-key}) against a secured node. */
class GrpcTargetTlsTest {

    @TempDir
    Path dir;

    @Test
    void shouldCallASecuredNodeWithTheClusterCertificateAndBeRefusedWithoutOne() throws IOException {
        DevCerts certs = DevCerts.make(dir.resolve("certs"), "node-1", "client");
        NodeConfig config = NodeConfig.parse("""
                node_id: node-1
                grpc:
                  listen: 127.0.0.1:0
                http:
                  listen: 127.0.0.1:0
                storage:
                  data_dirs: [data]
                """ + certs.yaml("node-1"), dir);
        try (StorageNode node = StorageNode.start(config)) {
            String spec = "node=127.0.0.1:" + node.grpcAddress().getPort();
            GrpcTarget.Options mutual = GrpcTarget.Options.defaults().withTls(GrpcTarget.Options.tlsCredentials(
                    certs.ca(), certs.cert("client"), certs.key("client")));
            try (GrpcTarget target = GrpcTarget.connect(spec, mutual.withCollection("tls_bench"))) {
                target.create(2, Metric.L2, "Flat", 10, null);
            }
            GrpcTarget.Options serverOnly = GrpcTarget.Options.defaults().withTls(GrpcTarget.Options.tlsCredentials(
                    certs.ca(), null, null));
            try (GrpcTarget target = GrpcTarget.connect(spec, serverOnly.withCollection("refused"))) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> target.create(2, Metric.L2, "Flat", 10, null));
                assertTrue(e.getMessage().startsWith(spec + ": CreateCollection 'refused' failed: UNAVAILABLE"),
                        e.getMessage());
            }
        }
        assertEquals("--tls-cert and --tls-key go together: give both or neither", assertThrows(
                IllegalArgumentException.class, () -> GrpcTarget.Options.tlsCredentials(certs.ca(), certs.cert("client"),
                        null)).getMessage());
    }
}
