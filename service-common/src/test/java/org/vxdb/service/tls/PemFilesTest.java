package org.vxdb.service.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    static Path dir;
    static DevCerts certs;

    @BeforeAll
    static void makeCertificates() {
        certs = DevCerts.make(dir.resolve("certs"), "server");
    }

    private static void assertFails(String message, Executable executable) {
        assertEquals(message, assertThrows(TlsMaterialException.class, executable).getMessage());
    }

    private static void openssl(String... args) {
        DevCerts.exec(List.of(args));
    }

    @Test
    void shouldReadTheScriptsEcKeyAndCertificate() {
        CertifiedKey material = CertifiedKey.load(certs.cert("server"), certs.key("server"));
        assertEquals("EC", material.algorithm());
        X509Certificate leaf = material.leaf();
        assertEquals("CN=server,O=VxDB development", leaf.getSubjectX500Principal().getName());
        assertEquals(certs.serial("server"), leaf.getSerialNumber());
    }

    @Test
    void shouldReadRsaPkcs8Keys() {
        Path key = dir.resolve("rsa.key");
        Path cert = dir.resolve("rsa.pem");
        openssl("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-subj", "/CN=rsa", "-days", "2");
        CertifiedKey material = CertifiedKey.load(cert, key);
        assertEquals("RSA", material.algorithm());
        assertEquals("CN=rsa", material.leaf().getSubjectX500Principal().getName());
    }

    @Test
    void shouldReadEveryCertificateOfAChainInOrder() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(certs.cert("server")) + Files.readString(certs.ca()));
        List<X509Certificate> read = PemFiles.readCertificates(chain);
        assertEquals(2, read.size());
        assertEquals("CN=VxDB development CA,O=VxDB development", read.get(1).getSubjectX500Principal().getName());
    }

    @Test
    void shouldNameTheFileAndTheProblem() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertFails(missing + ": no such file", () -> PemFiles.readCertificates(missing));
        Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
        assertFails(text + ": not a PEM file (no '-----BEGIN ...-----' block)", () -> PemFiles.readCertificates(text));
        assertFails(certs.key("server") + ": no certificate found (expected a PEM block '-----BEGIN CERTIFICATE-----')",
                () -> PemFiles.readCertificates(certs.key("server")));
        assertFails(certs.cert("server") + ": no private key found (expected a PEM block '-----BEGIN PRIVATE KEY-----',"
                + " unencrypted PKCS#8)", () -> PemFiles.readPrivateKey(certs.cert("server")));
        Path badBase64 = Files.writeString(dir.resolve("bad64.pem"),
                "-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n");
        assertFails(badBase64 + ": certificate 1 is not valid base64: Illegal base64 character 2a",
                () -> PemFiles.readCertificates(badBase64));
        Path notDer = Files.writeString(dir.resolve("notder.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertEquals(notDer + ": certificate 1 is not a valid X.509 certificate: ",
                assertThrows(TlsMaterialException.class, () -> PemFiles.readCertificates(notDer)).getMessage()
                        .replaceFirst("certificate: .*", "certificate: "));
        Path twoKeys = Files.writeString(dir.resolve("two.key"),
                Files.readString(certs.key("server")) + Files.readString(certs.key("server")));
        assertFails(twoKeys + ": holds more than one private key; give one", () -> PemFiles.readPrivateKey(twoKeys));
    }

    @Test
    void shouldSayHowToConvertKeysThatAreNotUnencryptedPkcs8() {
        Path sec1 = dir.resolve("sec1.key");
        openssl("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
        assertFails(sec1 + ": '-----BEGIN EC PRIVATE KEY-----' is a SEC1 key; convert it to PKCS#8"
                + " ('-----BEGIN PRIVATE KEY-----') with openssl pkcs8 -topk8 -nocrypt -in sec1.key",
                () -> PemFiles.readPrivateKey(sec1));
        Path pkcs1 = dir.resolve("pkcs1.key");
        openssl("openssl", "genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
        assertFails(pkcs1 + ": '-----BEGIN RSA PRIVATE KEY-----' is a PKCS#1 key; convert it to PKCS#8"
                + " ('-----BEGIN PRIVATE KEY-----') with openssl pkcs8 -topk8 -nocrypt -in pkcs1.key",
                () -> PemFiles.readPrivateKey(pkcs1));
        Path encrypted = dir.resolve("encrypted.key");
        openssl("openssl", "pkcs8", "-topk8", "-in", certs.key("server").toString(), "-passout", "pass:secret",
                "-out", encrypted.toString());
        assertFails(encrypted + ": the private key is encrypted; give it unencrypted (openssl pkcs8 -topk8 -nocrypt"
                + " -in encrypted.key)", () -> PemFiles.readPrivateKey(encrypted));
        Path legacyEncrypted = dir.resolve("legacy.key");
        openssl("openssl", "genrsa", "-traditional", "-aes128", "-passout", "pass:secret", "-out",
                legacyEncrypted.toString(), "2048");
        assertFails(legacyEncrypted + ": the RSA PRIVATE KEY block has PEM headers (an encrypted key?); give an"
                + " unencrypted PKCS#8 key ('-----BEGIN PRIVATE KEY-----')", () -> PemFiles.readPrivateKey(legacyEncrypted));
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificates() {
        DevCerts other = DevCerts.make(dir.resolve("other"), "server");
        X509Certificate leaf = PemFiles.readCertificates(certs.cert("server")).getFirst();
        assertFails(other.key("server") + ": does not match the certificate in " + certs.cert("server") + " ("
                + CertifiedKey.describe(leaf) + ")", () -> CertifiedKey.load(certs.cert("server"), other.key("server")));
        PrivateKey key = PemFiles.readPrivateKey(other.key("server"));
        assertEquals("EC", key.getAlgorithm());
    }
}
