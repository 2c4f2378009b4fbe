package org.vxdb.service.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: certificate chains ({@code BEGIN CERTIFICATE} blocks) and unencrypted PKCS#8
 * private keys ({@code BEGIN PRIVATE KEY}), EC or RSA. Every error starts with the file and says
 * what is wrong and, where it can, how to fix it. Parsing works on bytes already read, so that a
 * reloader parses exactly the content it fingerprinted.
 */
public final class PemFiles {

    /** The algorithms a key may have; TLS 1.3 and 1.2 sign with either. */
    static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA");

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";

    private PemFiles() {
    }

    /** The file's bytes; a missing or unreadable file is a {@link TlsMaterialException} naming it. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsMaterialException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new TlsMaterialException(file + ": permission denied");
        } catch (IOException e) {
            throw new TlsMaterialException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file, in file order (a chain: the leaf first). */
    public static List<X509Certificate> readCertificates(Path file) {
        return certificates(read(file), file);
    }

    /** The private key of a PEM file. */
    public static PrivateKey readPrivateKey(Path file) {
        return privateKey(read(file), file);
    }

    /** The certificates of {@code pem}, read from {@code file} (named in errors). Other blocks are ignored. */
    public static List<X509Certificate> certificates(byte[] pem, Path file) {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Block block : blocks(pem, file)) {
            if (!block.label().equals(CERTIFICATE)) {
                continue;
            }
            int n = certificates.size() + 1;
            byte[] der = block.decode(file, "certificate " + n);
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException e) {
                throw new TlsMaterialException(file + ": certificate " + n + " is not a valid X.509 certificate: "
                        + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsMaterialException(file + ": no certificate found (expected a PEM block"
                    + " '-----BEGIN CERTIFICATE-----')");
        }
        return List.copyOf(certificates);
    }

    /** The one private key of {@code pem}, read from {@code file} (named in errors). Other blocks are ignored. */
    public static PrivateKey privateKey(byte[] pem, Path file) {
        Block key = null;
        for (Block block : blocks(pem, file)) {
            String label = block.label();
            if (label.equals("ENCRYPTED PRIVATE KEY")) {
                throw new TlsMaterialException(file + ": the private key is encrypted; give it unencrypted"
                        + " (openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + ")");
            }
            if (label.equals("EC PRIVATE KEY") || label.equals("RSA PRIVATE KEY")) {
                throw new TlsMaterialException(file + ": '-----BEGIN " + label + "-----' is a "
                        + (label.startsWith("EC") ? "SEC1" : "PKCS#1") + " key; convert it to PKCS#8"
                        + " ('-----BEGIN PRIVATE KEY-----') with openssl pkcs8 -topk8 -nocrypt -in "
                        + file.getFileName());
            }
            if (label.equals(PRIVATE_KEY)) {
                if (key != null) {
                    throw new TlsMaterialException(file + ": holds more than one private key; give one");
                }
                key = block;
            }
        }
        if (key == null) {
            throw new TlsMaterialException(file + ": no private key found (expected a PEM block"
                    + " '-----BEGIN PRIVATE KEY-----', unencrypted PKCS#8)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(key.decode(file, "the private key"));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException notThisAlgorithm) {
                // try the next algorithm
            }
        }
        throw new TlsMaterialException(file + ": the private key is not an EC or RSA PKCS#8 key");
    }

    private record Block(String label, String base64) {
        byte[] decode(Path file, String what) {
            try {
                return Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new TlsMaterialException(file + ": " + what + " is not valid base64: " + e.getMessage(), e);
            }
        }
    }

    private static List<Block> blocks(byte[] pem, Path file) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(2).contains(":")) {
                // RFC 1421 headers (Proc-Type, DEK-Info): an encrypted traditional key
                throw new TlsMaterialException(file + ": the " + m.group(1) + " block has PEM headers (an encrypted"
                        + " key?); give an unencrypted PKCS#8 key ('-----BEGIN PRIVATE KEY-----')");
            }
            blocks.add(new Block(m.group(1), m.group(2)));
        }
        if (blocks.isEmpty()) {
            throw new TlsMaterialException(file + ": not a PEM file (no '-----BEGIN ...-----' block)");
        }
        return blocks;
    }
}
