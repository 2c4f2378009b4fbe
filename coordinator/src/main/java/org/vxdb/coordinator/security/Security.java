package org.vxdb.coordinator.security;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.net.ClientRateLimits;

/**
 * The one credential model of every protocol. Adapters hand over the credential a client sent
 * (an API key {@code vxk_<id>_<secret>} or a JWT) and get a {@link Caller} with its grants; the core
 * asks {@link #authorize} before each operation. Refusals are {@link VxdbException}s with code
 * UNAUTHENTICATED or PERMISSION_DENIED, and each is written to the audit trail.
 *
 * <p>A caller authenticated once (a RESP connection, a WebSocket stream) is checked again on every
 * operation: a revoked key or an expired token stops working on open connections too, within the
 * keys file's reload interval.
 */
public final class Security implements AutoCloseable {

    public static final String AUTH_REQUIRED = "authentication required: send an API key or a token";
    public static final String INVALID_KEY = "invalid API key: no live key has this id and secret";
    static final String MALFORMED = "the credential is neither an API key (vxk_<id>_<secret>) nor a JWT";
    static final String NO_JWT = "this cluster does not take JWTs; send an API key";
    public static final String AUTHENTICATE = "Authenticate";

    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    private final SecuritySettings settings;
    private final ApiKeyStore keys;
    private volatile JwtVerifier jwt;
    /** The JWK set file's modification time and size when it was read. */
    private volatile ApiKeyStore.FileStamp jwksStamp;
    private final FailedAuthentications failures;
    private final AuditTrail audit;
    private final ScheduledFuture<?> reloads;
    private final java.util.concurrent.atomic.AtomicLong lastMissReload = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
    private static final long MISS_RELOAD_MILLIS = 50;

    private Security(SecuritySettings settings, ApiKeyStore keys, JwtVerifier jwt, AuditTrail audit,
                     ScheduledExecutorService timers) {
        this.settings = settings;
        this.keys = keys;
        this.jwt = jwt;
        this.jwksStamp = jwt == null ? null : ApiKeyStore.FileStamp.of(settings.jwt().jwksFile());
        this.failures = new FailedAuthentications(settings.failedAuthLimit(), settings.failedAuthWindow());
        this.audit = audit;
        long every = settings.reloadInterval().toMillis();
        this.reloads = keys == null && jwt == null || timers == null ? null
                : timers.scheduleWithFixedDelay(this::reload, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * @param timers runs the keys file's reload checks (null: never reloaded, for tests)
     * @throws IllegalArgumentException when the keys file or the JWK set cannot be read
     */
    public static Security open(SecuritySettings settings, AuditTrail audit, ScheduledExecutorService timers) {
        Objects.requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            return new Security(settings, null, null, audit == null ? AuditTrail.NONE : audit, null);
        }
        ApiKeyStore keys;
        try {
            keys = settings.keysFile() == null ? null : ApiKeyStore.open(settings.keysFile());
        } catch (ApiKeyStore.KeyFileException e) {
            throw new IllegalArgumentException("security.keys_file: " + e.getMessage(), e);
        }
        JwtVerifier verifier = settings.jwt() == null ? null : JwtVerifier.load(settings.jwt());
        return new Security(settings, keys, verifier, audit == null ? AuditTrail.NONE : audit, timers);
    }

    /** Authentication off, nothing audited: every caller may do everything. */
    public static Security off() {
        return open(SecuritySettings.OFF, AuditTrail.NONE, null);
    }

    /**
     * The credential of an {@code Authorization} header (HTTP, WebSocket upgrade) or gRPC
     * {@code authorization} metadata: what follows {@code Bearer } (any case), else the whole value;
     * null for none.
     */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.strip();
        return v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).strip() : v;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    public AuditTrail audit() {
        return audit;
    }

    /** The keys, or null when security is off or only JWTs are taken. */
    public ApiKeyStore keys() {
        return keys;
    }

    /**
     * The caller a credential stands for. With security off, any credential (or none) gives the
     * anonymous caller, which may do everything.
     *
     * @param credential the key or token as sent (a {@code Bearer } prefix already removed); null or
     *                   blank when the client sent none
     * @throws VxdbException UNAUTHENTICATED, audited, when the credential is missing or not valid, or the
     *                       client's host failed too often
     */
    public Caller authenticate(String credential, String remoteAddress, String protocol, String requestId) {
        Caller anonymous = Caller.anonymous(remoteAddress, protocol);
        if (!settings.enabled()) {
            return anonymous;
        }
        if (credential == null || credential.isBlank()) {
            throw refuse(anonymous, requestId, AUTHENTICATE, AUTH_REQUIRED);
        }
        String host = ClientRateLimits.clientOf(remoteAddress);
        long blocked = failures.blockedFor(host);
        if (blocked > 0) {
            throw refuse(anonymous, requestId, AUTHENTICATE, "too many failed authentications from " + host
                    + "; try again in " + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blocked + 999_999_999L)) + " s");
        }
        String c = credential.strip();
        try {
            if (ApiKeyToken.looksLikeKey(c)) {
                return byKey(c, remoteAddress, protocol);
            }
            if (JwtVerifier.looksLikeJwt(c)) {
                JwtVerifier verifier = jwt;
                if (verifier == null) {
                    throw new InvalidCredentialException(NO_JWT);
                }
                JwtVerifier.Verified v = verifier.verify(c);
                return new Caller(v.principal(), remoteAddress, protocol, v.grants());
            }
            throw new InvalidCredentialException(MALFORMED);
        } catch (InvalidCredentialException e) {
            failures.failed(host);
            ApiKeyToken claimed = ApiKeyToken.parse(c);
            Caller who = claimed == null ? anonymous : new Caller(claimed.id(), remoteAddress, protocol, null);
            throw refuse(who, requestId, AUTHENTICATE, e.getMessage());
        }
    }

    private Caller byKey(String credential, String remoteAddress, String protocol) {
        ApiKeyToken token = ApiKeyToken.parse(credential);
        if (token == null || keys == null) {
            throw new InvalidCredentialException(keys == null ? "this cluster takes only JWTs" : INVALID_KEY);
        }
        ApiKey key = keys.get(token.id());
        if (key == null && reloadAfterMiss()) {
            key = keys.get(token.id()); // a key made a moment ago works at once, not after the next reload
        }
        if (key == null || !key.live() || !token.matches(key.secretHash())) {
            throw new InvalidCredentialException(INVALID_KEY);
        }
        return new Caller(key.id(), remoteAddress, protocol, key.grants());
    }

    /**
     * For what a protocol serves outside the core (a RESP {@code PING}, the REST API description):
     * the caller must be authenticated, and still valid.
     *
     * @throws VxdbException UNAUTHENTICATED, audited under {@code operation}
     */
    public void requireAuthenticated(Caller caller, String requestId, String operation) {
        if (settings.enabled()) {
            current(caller, requestId, operation);
        }
    }

    /**
     * Checks that the caller may run {@code op} on {@code collection} (null when the operation names
     * none) and returns its grants as they are now.
     *
     * @throws VxdbException UNAUTHENTICATED or PERMISSION_DENIED, audited
     */
    public Grants authorize(Caller caller, String requestId, Operation op, String collection) {
        if (!settings.enabled()) {
            return Grants.ALL;
        }
        Grants g = current(caller, requestId, op.text());
        if (!g.hasRole(op.role())) {
            throw deny(caller, requestId, op, collection, describe(caller) + " (roles: " + g.rolesText() + ") may not "
                    + op.text() + ": that needs the " + op.role().text() + " role");
        }
        if (!g.covers(collection)) {
            throw deny(caller, requestId, op, collection, describe(caller) + " may not " + op.text() + " collection '"
                    + collection + "': it is limited to collections " + g.collectionsText());
        }
        return g;
    }

    /** The caller's grants now: a key looked up again (revoked?), a token's expiry checked. */
    private Grants current(Caller caller, String requestId, String operation) {
        Grants g = caller.grants();
        if (g == null) {
            throw refuse(caller, requestId, operation, AUTH_REQUIRED);
        }
        if (ApiKeyToken.isKeyId(caller.principal()) && keys != null) {
            ApiKey k = keys.get(caller.principal());
            if (k == null || !k.live()) {
                throw refuse(caller, requestId, operation, "API key " + caller.principal() + " has been revoked");
            }
            return k.grants();
        }
        if (g.expiredAt(Instant.now())) {
            throw refuse(caller, requestId, operation, "the token expired at " + g.expires());
        }
        return g;
    }

    private static String describe(Caller caller) {
        return ApiKeyToken.isKeyId(caller.principal()) ? "key " + caller.principal() : caller.principal();
    }

    private VxdbException refuse(Caller caller, String requestId, String operation, String message) {
        audit.record(caller, requestId, operation, AuditTrail.AUTH, null, -1,
                VxdbException.Code.UNAUTHENTICATED.name());
        return new VxdbException(VxdbException.Code.UNAUTHENTICATED, message);
    }

    private VxdbException deny(Caller caller, String requestId, Operation op, String collection, String message) {
        audit.record(caller, requestId, op.text(), op.category(), collection, -1,
                VxdbException.Code.PERMISSION_DENIED.name());
        return new VxdbException(VxdbException.Code.PERMISSION_DENIED, message);
    }

    /** Reads the keys file again if it changed, at most every {@value #MISS_RELOAD_MILLIS} ms; true when it did. */
    private boolean reloadAfterMiss() {
        long now = System.nanoTime();
        long last = lastMissReload.get();
        if (now - last < TimeUnit.MILLISECONDS.toNanos(MISS_RELOAD_MILLIS) || !lastMissReload.compareAndSet(last, now)) {
            return false;
        }
        try {
            return keys.reloadIfChanged() != null;
        } catch (RuntimeException e) {
            return false; // the periodic reload logs it
        }
    }

    /** The keys file and the JWK set file, each read again if it changed; a bad file keeps what was read before. */
    void reload() {
        if (keys != null) {
            reloadKeys();
        }
        if (jwt != null) {
            reloadJwks();
        }
    }

    private void reloadJwks() {
        java.nio.file.Path file = settings.jwt().jwksFile();
        ApiKeyStore.FileStamp now = ApiKeyStore.FileStamp.of(file);
        if (now.equals(jwksStamp)) {
            return;
        }
        try {
            jwt = JwtVerifier.load(settings.jwt());
            jwksStamp = now;
            LOG.info("JWK set {} reloaded", file);
        } catch (IllegalArgumentException e) {
            LOG.warn("JWK set {} not reloaded, the keys read before stay: {}", file, e.getMessage());
        }
    }

    private void reloadKeys() {
        try {
            Map<String, ApiKey> before = keys.reloadIfChanged();
            if (before != null) {
                LOG.info("keys file {} reloaded: {} keys", keys.file(), keys.list().size());
            }
        } catch (RuntimeException e) {
            LOG.warn("keys file {} not reloaded, the keys read before stay: {}", keys.file(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (reloads != null) {
            reloads.cancel(false);
        }
        audit.flush();
        audit.close();
    }
}
