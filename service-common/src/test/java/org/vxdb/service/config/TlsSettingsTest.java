package org.vxdb.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.DevCerts;

class TlsSettingsTest {

    @TempDir
    static Path dir;
    static DevCerts certs;

    @BeforeAll
    static void makeCertificates() {
        certs = DevCerts.make(dir.resolve("certs"), "server");
    }

    private static TlsSettings read(String yaml, boolean withClientAuth) {
        return TlsSettings.read(ConfigSection.root(YamlDocument.read(yaml), "tls"), dir, withClientAuth);
    }

    @Test
    void shouldBeAbsentWithoutASection() {
        assertNull(read("", true));
        assertNull(read("tls:\n", true));
    }

    @Test
    void shouldResolveRelativePathsAgainstTheConfigDirectoryAndDefaultTheRest() {
        TlsSettings tls = read("""
                tls:
                  cert_file: certs/server.pem
                  key_file: certs/server.key
                  ca_file: ./certs/../certs/ca.pem
                """, true);
        assertEquals(new TlsSettings(certs.cert("server"), certs.key("server"), certs.ca(), Duration.ofSeconds(10),
                false, ClientAuth.NONE), tls);
        TlsSettings node = read(certs.yaml("server", "reload_interval: 0s", "http: true"), false);
        assertEquals(new TlsSettings(certs.cert("server"), certs.key("server"), certs.ca(), Duration.ZERO, true,
                ClientAuth.REQUIRE), node);
        assertEquals(ClientAuth.OPTIONAL, read(certs.yaml("server", "client_auth: Optional"), true).clientAuth());
        assertEquals("tls.cert_file=" + certs.cert("server") + " tls.key_file=" + certs.key("server") + " tls.ca_file="
                + certs.ca() + " tls.reload_interval=0s tls.http=true tls.client_auth=require", node.toString());
    }

    @Test
    void shouldNameTheFieldAndTheFileThatIsWrong() throws Exception {
        assertConfigError("tls.cert_file: required", () -> read("tls:\n  key_file: k\n", true));
        assertConfigError("tls.cert_file: " + dir.resolve("nope.pem") + ": no such file",
                () -> read("tls:\n  cert_file: nope.pem\n  key_file: certs/server.key\n  ca_file: certs/ca.pem\n", true));
        assertConfigError("tls.key_file: " + certs.cert("server") + ": no private key found (expected a PEM block"
                + " '-----BEGIN PRIVATE KEY-----', unencrypted PKCS#8)", () -> read("""
                tls:
                  cert_file: certs/server.pem
                  key_file: certs/server.pem
                  ca_file: certs/ca.pem
                """, true));
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertConfigError("tls.ca_file: " + empty + ": not a PEM file (no '-----BEGIN ...-----' block)", () -> read("""
                tls:
                  cert_file: certs/server.pem
                  key_file: certs/server.key
                  ca_file: empty.pem
                """, true));
        assertConfigError("tls.ca_file: required", () -> read(certs.yaml("server").replaceAll("  ca_file: .*\n", ""),
                true));
        assertConfigError("tls.client_auth: unknown field (use cert_file, key_file, ca_file, reload_interval, http)",
                () -> read(certs.yaml("server", "client_auth: none"), false));
        assertConfigError("tls.client_auth: 'always' is invalid: use none, optional or require",
                () -> read(certs.yaml("server", "client_auth: always"), true));
        assertConfigError("tls.http: expected true or false, got a string",
                () -> read(certs.yaml("server", "http: yes"), true));
        assertConfigError("tls.reload_interval: 2h is invalid: use 0s-1h",
                () -> read(certs.yaml("server", "reload_interval: 2h"), true));
        assertConfigError("tls: expected a mapping, got a string", () -> read("tls: on\n", true));
    }
}
