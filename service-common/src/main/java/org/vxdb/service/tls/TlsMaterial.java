package org.vxdb.service.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's TLS material, read from three PEM files (its certificate chain, its private key, and
 * the CA bundle it trusts) and kept current: {@link #checkForChanges} reads the files again and,
 * when their content changed, swaps new material into the {@link #keyManager()} and
 * {@link #trustManager()} that every TLS context of the server was built from. Connections made
 * after that use the new material; open connections are not disturbed. New files that cannot be
 * used (a key that does not match its certificate, not PEM, missing) leave the current material in
 * place; when they are still the same at the next check they are logged once and counted as a failure
 * (so a certificate and key replaced one after the other, a moment apart, are not a failure).
 *
 * <p>{@link #startReloading} runs the check on a schedule; {@link #close} stops it. One owner (the
 * server) closes it.
 */
public final class TlsMaterial implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);

    private final Path certFile;
    private final Path keyFile;
    private final Path caFile;
    private final ReloadingKeyManager keyManager;
    private final ReloadingTrustManager trustManager;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final FileState keyState;
    private final FileState caState;
    private ScheduledFuture<?> schedule;

    private TlsMaterial(Path certFile, Path keyFile, Path caFile, Loaded<CertifiedKey> key,
                        Loaded<List<X509Certificate>> ca) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.caFile = caFile;
        this.keyManager = new ReloadingKeyManager(key.value());
        this.trustManager = new ReloadingTrustManager(ca.value(), caFile);
        this.keyState = new FileState("certificate", key.fingerprint());
        this.caState = new FileState("CA bundle", ca.fingerprint());
    }

    /** What was parsed from the files and the fingerprint of the bytes it was parsed from. */
    private record Loaded<T>(T value, String fingerprint) {
    }

    /**
     * Reads and checks the three files.
     *
     * @throws TlsMaterialException naming the first file that cannot be used and why
     */
    public static TlsMaterial load(Path certFile, Path keyFile, Path caFile) {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
        TlsMaterial material = new TlsMaterial(certFile, keyFile, caFile, readKey(certFile, keyFile),
                readAuthorities(caFile));
        material.warnIfNotValidNow(material.certificate());
        return material;
    }

    private static Loaded<CertifiedKey> readKey(Path certFile, Path keyFile) {
        byte[] cert = PemFiles.read(certFile);
        byte[] key = PemFiles.read(keyFile);
        return new Loaded<>(CertifiedKey.parse(cert, certFile, key, keyFile), fingerprint(cert, key));
    }

    private static Loaded<List<X509Certificate>> readAuthorities(Path caFile) {
        byte[] ca = PemFiles.read(caFile);
        return new Loaded<>(PemFiles.certificates(ca, caFile), fingerprint(ca));
    }

    /** Runs {@link #checkForChanges} every {@code interval} on {@code timers}; zero never does. */
    public synchronized void startReloading(ScheduledExecutorService timers, Duration interval) {
        if (schedule != null) {
            throw new IllegalStateException("already reloading");
        }
        if (interval.isZero()) {
            return;
        }
        long every = interval.toNanos();
        schedule = timers.scheduleWithFixedDelay(this::checkQuietly, every, every, TimeUnit.NANOSECONDS);
    }

    private void checkQuietly() {
        try {
            checkForChanges();
        } catch (RuntimeException e) {
            LOG.error("TLS: checking {}, {} and {} for changes failed", certFile, keyFile, caFile, e);
        }
    }

    /**
     * Reads the three files and loads what changed since the last check.
     *
     * @return true when new material was swapped in
     */
    public synchronized boolean checkForChanges() {
        boolean keyChanged = checkKey();
        boolean caChanged = checkAuthorities();
        return keyChanged || caChanged;
    }

    private boolean checkKey() {
        byte[] cert;
        byte[] key;
        try {
            cert = PemFiles.read(certFile);
            key = PemFiles.read(keyFile);
        } catch (TlsMaterialException unreadable) {
            keyState.failed("unreadable: " + unreadable.getMessage(), unreadable);
            return false;
        }
        String fingerprint = fingerprint(cert, key);
        if (keyState.isLoaded(fingerprint)) {
            return false;
        }
        try {
            CertifiedKey material = CertifiedKey.parse(cert, certFile, key, keyFile);
            keyManager.replace(material);
            keyState.loaded(fingerprint);
            LOG.info("TLS: new certificate from {}: {}", certFile, material);
            warnIfNotValidNow(material.leaf());
            return true;
        } catch (TlsMaterialException invalid) {
            keyState.failed(fingerprint, invalid);
            return false;
        }
    }

    private boolean checkAuthorities() {
        byte[] ca;
        try {
            ca = PemFiles.read(caFile);
        } catch (TlsMaterialException unreadable) {
            caState.failed("unreadable: " + unreadable.getMessage(), unreadable);
            return false;
        }
        String fingerprint = fingerprint(ca);
        if (caState.isLoaded(fingerprint)) {
            return false;
        }
        try {
            List<X509Certificate> authorities = PemFiles.certificates(ca, caFile);
            trustManager.replace(authorities, caFile);
            caState.loaded(fingerprint);
            LOG.info("TLS: new CA bundle from {}: {} certificates, the first {}", caFile, authorities.size(),
                    CertifiedKey.describe(authorities.getFirst()));
            return true;
        } catch (TlsMaterialException invalid) {
            caState.failed(fingerprint, invalid);
            return false;
        }
    }

    /**
     * What the files of one kind of material (certificate and key, or CA bundle) held at the checks.
     * Content that cannot be used is reported (logged, counted) once it is the same at two checks in a
     * row, and then not again: a certificate and key replaced one after the other, or a file caught
     * half written, is not a failure unless it stays that way.
     */
    private final class FileState {
        private final String what;
        /** SHA-256 of the content the current material was parsed from. */
        private String loaded;
        /** What the files held at the last check: a SHA-256, or why they could not be read. */
        private String seen;
        private String reported;

        FileState(String what, String loaded) {
            this.what = what;
            this.loaded = loaded;
            this.seen = loaded;
        }

        boolean isLoaded(String fingerprint) {
            if (fingerprint.equals(loaded)) {
                seen = fingerprint;
                return true;
            }
            return false;
        }

        void loaded(String fingerprint) {
            loaded = fingerprint;
            seen = fingerprint;
            reported = null;
            reloads.incrementAndGet();
        }

        /** @param content the fingerprint of what failed, or why the files could not be read */
        void failed(String content, TlsMaterialException e) {
            if (content.equals(seen) && !content.equals(reported)) {
                reported = content;
                failures.incrementAndGet();
                LOG.error("TLS: cannot load the new {}: {}; keeping the current one ({})", what, e.getMessage(),
                        what.equals("certificate") ? keyManager.current()
                                : trustManager.authorities().size() + " certificates from " + caFile);
            }
            seen = content;
        }
    }

    private void warnIfNotValidNow(X509Certificate leaf) {
        Instant now = Instant.now();
        if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
            LOG.warn("TLS: the certificate in {} is not valid now ({}; valid from {}): peers will refuse it",
                    certFile, CertifiedKey.describe(leaf), leaf.getNotBefore().toInstant());
        }
    }

    private static String fingerprint(byte[]... contents) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] content : contents) {
                sha256.update(Integer.toString(content.length).getBytes(StandardCharsets.US_ASCII));
                sha256.update((byte) 0);
                sha256.update(content);
            }
            return "sha256:" + HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** Presents the current certificate and key in every handshake; built into every TLS context. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /** Trusts the current CA bundle; built into every TLS context that checks its peer. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** The leaf certificate new connections get. */
    public X509Certificate certificate() {
        return keyManager.current().leaf();
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    public Path caFile() {
        return caFile;
    }

    /** Times new material (certificate and key, or CA bundle) was swapped in since start. */
    public long reloads() {
        return reloads.get();
    }

    /** Times new files could not be used (each bad content counted once). */
    public long failures() {
        return failures.get();
    }

    /** "certificate subject CN=..., serial ..., valid until ...; 1 trusted CA certificate from /etc/ca.pem". */
    public String describe() {
        int n = trustManager.authorities().size();
        return "certificate " + keyManager.current() + "; " + n + " trusted CA certificate" + (n == 1 ? "" : "s")
                + " from " + caFile;
    }

    /** Stops the scheduled checks; the managers keep their current material. */
    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }
}
