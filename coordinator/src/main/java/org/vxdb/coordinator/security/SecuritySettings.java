package org.vxdb.coordinator.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.ConfigSection;

/**
 * The {@code security:} section: whether every request must carry a credential, where the API keys
 * are, how often the keys file is read again, how failed authentications are limited per client
 * host, and the optional JWT verification.
 *
 * @param enabled          false: no credentials are asked for (a local, trusted setup)
 * @param keysFile         the file {@code vxdb keys} writes; null when only JWTs are accepted
 * @param reloadInterval   how often the keys file is checked for changes (revocations)
 * @param failedAuthLimit  failed authentications a client host may make per window before it is refused
 * @param failedAuthWindow the window of that count
 * @param jwt              null when JWTs are not accepted
 */
public record SecuritySettings(boolean enabled, Path keysFile, Duration reloadInterval, int failedAuthLimit,
                               Duration failedAuthWindow, Jwt jwt) {

    public static final Duration RELOAD_INTERVAL_DEFAULT = Duration.ofSeconds(2);
    public static final int FAILED_AUTH_LIMIT_DEFAULT = 10;
    public static final Duration FAILED_AUTH_WINDOW_DEFAULT = Duration.ofMinutes(1);
    public static final String ROLES_CLAIM_DEFAULT = "vxdb_roles";
    public static final String COLLECTIONS_CLAIM_DEFAULT = "vxdb_collections";

    /** Authentication off: what a config without a {@code security:} section means. */
    public static final SecuritySettings OFF = new SecuritySettings(false, null, RELOAD_INTERVAL_DEFAULT,
            FAILED_AUTH_LIMIT_DEFAULT, FAILED_AUTH_WINDOW_DEFAULT, null);

    public SecuritySettings {
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        Objects.requireNonNull(failedAuthWindow, "failedAuthWindow");
    }

    /**
     * JWT bearer tokens.
     *
     * @param jwksFile         the public keys (a JWK set, JSON)
     * @param issuer           the {@code iss} a token must carry, or null for any
     * @param audience         a value the token's {@code aud} must hold, or null for any
     * @param rolesClaim       the claim listing the roles
     * @param collectionsClaim the claim listing the collections (absent in a token: all)
     */
    public record Jwt(Path jwksFile, String issuer, String audience, String rolesClaim, String collectionsClaim) {
    }

    /** Reads {@code security:}; relative paths resolve against {@code baseDir} (the config file's directory). */
    public static SecuritySettings read(ConfigSection root, Path baseDir) {
        ConfigSection s = root.section("security", "enabled", "keys_file", "reload_interval", "failed_auth_limit",
                "failed_auth_window", "jwt");
        boolean enabled = s.value("enabled").bool(false);
        Path keys = s.value("keys_file").isAbsent() ? null : s.value("keys_file").resolvedPath(baseDir, "file");
        Duration reload = s.value("reload_interval").positiveDuration(RELOAD_INTERVAL_DEFAULT, Duration.ofHours(1));
        int limit = (int) s.value("failed_auth_limit").integer(FAILED_AUTH_LIMIT_DEFAULT, 1, 1_000_000);
        Duration window = s.value("failed_auth_window").positiveDuration(FAILED_AUTH_WINDOW_DEFAULT,
                Duration.ofDays(1));
        Jwt jwt = null;
        ConfigSection j = s.section("jwt", "jwks_file", "issuer", "audience", "roles_claim", "collections_claim");
        if (!s.value("jwt").isAbsent()) {
            jwt = new Jwt(j.value("jwks_file").required().resolvedPath(baseDir, "file"), j.value("issuer").string(null),
                    j.value("audience").string(null), j.value("roles_claim").string(ROLES_CLAIM_DEFAULT),
                    j.value("collections_claim").string(COLLECTIONS_CLAIM_DEFAULT));
        }
        if (enabled && keys == null && jwt == null) {
            throw new ConfigException("security.keys_file: required when security.enabled is true"
                    + " (or configure security.jwt)");
        }
        return new SecuritySettings(enabled, keys, reload, limit, window, jwt);
    }
}
