package org.vxdb.service.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and the private key of its first certificate (the leaf), checked to belong
 * together: what a server presents, or a client presents for mutual TLS.
 *
 * @param chain the leaf first, then any intermediates
 * @param key   the leaf's private key, EC or RSA
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {

    private static final byte[] PROBE = "vxdb certificate and key check".getBytes(StandardCharsets.US_ASCII);

    public CertifiedKey {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
    }

    /** Reads and checks the two files. */
    public static CertifiedKey load(Path certFile, Path keyFile) {
        return parse(PemFiles.read(certFile), certFile, PemFiles.read(keyFile), keyFile);
    }

    /** Parses what was read from the two files (named in errors) and checks that the key is the leaf's. */
    public static CertifiedKey parse(byte[] certPem, Path certFile, byte[] keyPem, Path keyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certPem, certFile);
        PrivateKey key = PemFiles.privateKey(keyPem, keyFile);
        if (!matches(chain.getFirst(), key)) {
            throw new TlsMaterialException(keyFile + ": does not match the certificate in " + certFile
                    + " (" + describe(chain.getFirst()) + ")");
        }
        return new CertifiedKey(chain, key);
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** "EC" or "RSA". */
    public String algorithm() {
        return key.getAlgorithm();
    }

    /** Signs with the key and verifies with the certificate: true when they are one key pair. */
    private static boolean matches(X509Certificate leaf, PrivateKey key) {
        if (!leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** "subject CN=node-1,O=..., serial 7b7d..., valid until 2029-03-11T02:00:29Z": for log lines and errors. */
    public static String describe(X509Certificate certificate) {
        return "subject " + certificate.getSubjectX500Principal().getName()
                + ", serial " + certificate.getSerialNumber().toString(16)
                + ", valid until " + certificate.getNotAfter().toInstant();
    }

    /** Whether the leaf is within its validity period at {@code now}. */
    public boolean isValidAt(Instant now) {
        X509Certificate leaf = leaf();
        return !now.isBefore(leaf.getNotBefore().toInstant()) && !now.isAfter(leaf.getNotAfter().toInstant());
    }

    @Override
    public String toString() {
        return describe(leaf());
    }
}
