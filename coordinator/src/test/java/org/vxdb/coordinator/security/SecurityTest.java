package org.vxdb.coordinator.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.core.VxdbException;

class SecurityTest {

    @TempDir
    Path dir;

    /** Every audit entry, as one line of text. */
    static final class Recorded implements AuditTrail {
        final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void record(Caller caller, String requestId, String operation, String category,
                                        String collection, long rows, String outcome) {
            lines.add(caller.principal() + " " + caller.protocol() + " " + operation + " " + category + " "
                    + collection + " " + rows + " " + outcome);
        }
    }

    private Security security(Recorded audit, int failedLimit) {
        return Security.open(new SecuritySettings(true, dir.resolve("keys.json"), Duration.ofSeconds(2), failedLimit,
                Duration.ofMinutes(1), null), audit, null);
    }

    private static VxdbException refused(Runnable r) {
        return assertThrows(VxdbException.class, r::run);
    }

    @Test
    void keysAreStoredHashedAndAuthenticateWithTheirGrants() throws IOException {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        ApiKeyToken token = store.create("ingest", EnumSet.of(Role.WRITE), List.of("docs", "logs"));
        String file = Files.readString(dir.resolve("keys.json"));
        assertFalse(file.contains(token.secret()), "the secret is never stored");
        assertTrue(file.contains(token.secretHash()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys.json"))));
        assertTrue(token.text().matches("vxk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}"), token.text());

        Recorded audit = new Recorded();
        Security s = security(audit, 10);
        Caller c = s.authenticate(token.text(), "10.0.0.7:5000", "rest", "r1");
        assertEquals(token.id(), c.principal());
        assertEquals("write", c.grants().rolesText());
        assertEquals("[docs, logs]", c.grants().collectionsText());
        assertEquals(List.of(), audit.lines, "a success is audited by the operation it runs, not here");
        // Bearer prefixes in any case, surrounding blanks
        assertEquals(token.text(), Security.bearer("  bearer " + token.text() + " "));
        assertNull(Security.bearer(null));
    }

    @Test
    void refusalsSayWhyAndAreAudited() {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        ApiKeyToken token = store.create("", EnumSet.of(Role.READ), null);
        Recorded audit = new Recorded();
        Security s = security(audit, 10);
        assertEquals(Security.AUTH_REQUIRED, refused(() -> s.authenticate(null, "10.0.0.7:1", "grpc", "r")).getMessage());
        assertEquals(Security.AUTH_REQUIRED, refused(() -> s.authenticate("  ", "10.0.0.7:1", "grpc", "r")).getMessage());
        String wrongSecret = token.text().substring(0, token.text().length() - 1)
                + (token.text().endsWith("A") ? "B" : "A");
        VxdbException e = refused(() -> s.authenticate(wrongSecret, "10.0.0.7:1", "grpc", "r"));
        assertEquals(VxdbException.Code.UNAUTHENTICATED, e.code());
        assertEquals(Security.INVALID_KEY, e.getMessage());
        assertEquals(Security.MALFORMED, refused(() -> s.authenticate("hunter2", "10.0.0.7:1", "resp", "r"))
                .getMessage());
        assertEquals(Security.NO_JWT, refused(() -> s.authenticate("a.b.c", "10.0.0.7:1", "rest", "r")).getMessage());
        assertEquals(List.of(
                "anonymous grpc Authenticate auth null -1 UNAUTHENTICATED",
                "anonymous grpc Authenticate auth null -1 UNAUTHENTICATED",
                token.id() + " grpc Authenticate auth null -1 UNAUTHENTICATED",
                "anonymous resp Authenticate auth null -1 UNAUTHENTICATED",
                "anonymous rest Authenticate auth null -1 UNAUTHENTICATED"), audit.lines);
    }

    @Test
    void rolesAndCollectionsAreCheckedPerOperation() {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        ApiKeyToken reader = store.create("", EnumSet.of(Role.READ), List.of("docs"));
        ApiKeyToken admin = store.create("", EnumSet.of(Role.ADMIN), null);
        Recorded audit = new Recorded();
        Security s = security(audit, 10);
        Caller r = s.authenticate(reader.text(), "10.0.0.7:1", "grpc", "r");
        s.authorize(r, "r", Operation.SEARCH, "docs");
        s.authorize(r, "r", Operation.LIST_COLLECTIONS, null);
        VxdbException denied = refused(() -> s.authorize(r, "r", Operation.UPSERT, "docs"));
        assertEquals(VxdbException.Code.PERMISSION_DENIED, denied.code());
        assertEquals("key " + reader.id() + " (roles: read) may not Upsert: that needs the write role",
                denied.getMessage());
        assertEquals("key " + reader.id() + " may not Search collection 'logs': it is limited to collections [docs]",
                refused(() -> s.authorize(r, "r", Operation.SEARCH, "logs")).getMessage());
        Caller a = s.authenticate(admin.text(), "10.0.0.7:1", "grpc", "r");
        for (Operation op : Operation.values()) {
            s.authorize(a, "r", op, "anything");
        }
        assertEquals(VxdbException.Code.UNAUTHENTICATED,
                refused(() -> s.authorize(Caller.anonymous("10.0.0.7:1", "grpc"), "r", Operation.GET, "docs")).code());
        assertEquals(List.of(
                reader.id() + " grpc Upsert write docs -1 PERMISSION_DENIED",
                reader.id() + " grpc Search read logs -1 PERMISSION_DENIED",
                "anonymous grpc Get auth null -1 UNAUTHENTICATED"), audit.lines);
    }

    @Test
    void aRevokedKeyStopsWorkingOnCallersAlreadyAuthenticated() {
        ApiKeyStore store = ApiKeyStore.open(dir.resolve("keys.json"));
        ApiKeyToken token = store.create("", EnumSet.of(Role.READ), null);
        Security s = security(new Recorded(), 10);
        Caller c = s.authenticate(token.text(), "10.0.0.7:1", "resp", "r");
        s.authorize(c, "r", Operation.GET, "docs");
        // another process (the keys command) revokes it; the coordinator reads the file again
        ApiKeyStore.open(dir.resolve("keys.json")).revoke(token.id());
        assertTrue(s.keys().reloadIfChanged() != null);
        assertEquals("API key " + token.id() + " has been revoked",
                refused(() -> s.authorize(c, "r", Operation.GET, "docs")).getMessage());
        assertEquals(Security.INVALID_KEY, refused(() -> s.authenticate(token.text(), "10.0.0.7:1", "resp", "r"))
                .getMessage());
        assertEquals("key " + token.id() + " was already revoked at " + s.keys().get(token.id()).revoked(),
                assertThrows(IllegalArgumentException.class, () -> store.revoke(token.id())).getMessage());
    }

    @Test
    void aKeyMadeByTheKeysCommandWorksAtOnce() {
        Security s = security(new Recorded(), 10);
        ApiKeyToken token = ApiKeyStore.open(dir.resolve("keys.json")).create("", EnumSet.of(Role.READ), null);
        assertEquals(token.id(), s.authenticate(token.text(), "10.0.0.7:1", "grpc", "r").principal());
    }

    @Test
    void aHostThatFailsTooOftenIsRefusedEvenWithTheRightKey() {
        ApiKeyToken token = ApiKeyStore.open(dir.resolve("keys.json")).create("", EnumSet.of(Role.READ), null);
        Security s = security(new Recorded(), 3);
        for (int i = 0; i < 3; i++) {
            refused(() -> s.authenticate("vxk_000000000000_" + "x".repeat(43), "10.0.0.9:" + 1000, "grpc", "r"));
        }
        VxdbException blocked = refused(() -> s.authenticate(token.text(), "10.0.0.9:2000", "grpc", "r"));
        assertTrue(blocked.getMessage().matches("too many failed authentications from 10\\.0\\.0\\.9; try again in"
                + " \\d+ s"), blocked.getMessage());
        // another host is not affected
        assertEquals(token.id(), s.authenticate(token.text(), "10.0.0.10:1", "grpc", "r").principal());
    }

    @Test
    void aBrokenKeysFileIsNamedAndAReloadKeepsTheKeysReadBefore() throws IOException {
        Path f = dir.resolve("keys.json");
        Files.writeString(f, "{\"format\": 1, \"keys\": [{\"id\": \"XYZ\"}]}");
        ApiKeyStore.KeyFileException e = assertThrows(ApiKeyStore.KeyFileException.class, () -> ApiKeyStore.open(f));
        assertEquals("the keys file " + f + ", keys[0]: id 'XYZ' is not 12 hex digits", e.getMessage());
        Files.writeString(f, "not json");
        assertTrue(assertThrows(ApiKeyStore.KeyFileException.class, () -> ApiKeyStore.open(f)).getMessage()
                .startsWith("the keys file " + f + " is not JSON: "));
        Files.delete(f);
        ApiKeyStore store = ApiKeyStore.open(f);
        ApiKeyToken t = store.create("a", EnumSet.of(Role.READ), null);
        Files.writeString(f, "{\"format\": 2}");
        assertThrows(ApiKeyStore.KeyFileException.class, store::reloadIfChanged);
        assertEquals(t.id(), store.get(t.id()).id(), "the keys read before stay");
    }

    // ------------------------------------------------------------------------------------------
    // JWT

    private RSAKey signingKey;

    private Security jwtSecurity() throws IOException, JOSEException {
        signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(signingKey.toPublicJWK()).toString());
        return Security.open(new SecuritySettings(true, null, Duration.ofSeconds(2), 10, Duration.ofMinutes(1),
                new SecuritySettings.Jwt(jwks, "https://issuer.example", "vxdb", "vxdb_roles", "vxdb_collections")),
                new Recorded(), null);
    }

    private String token(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("svc-ingest").issuer("https://issuer.example").audience("vxdb")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).claim("vxdb_roles", List.of("write", "read"))
                .claim("vxdb_collections", List.of("docs"));
    }

    @Test
    void jwtsAreVerifiedAndCarryTheirRolesAndCollections() throws Exception {
        Security s = jwtSecurity();
        Caller c = s.authenticate(token(claims().build()), "10.0.0.7:1", "grpc", "r");
        assertEquals("jwt:svc-ingest", c.principal());
        assertEquals("write, read", c.grants().rolesText());
        assertEquals("[docs]", c.grants().collectionsText());
        s.authorize(c, "r", Operation.UPSERT, "docs");
        assertEquals("jwt:svc-ingest may not Upsert collection 'logs': it is limited to collections [docs]",
                refused(() -> s.authorize(c, "r", Operation.UPSERT, "logs")).getMessage());
    }

    @Test
    void badJwtsAreRefusedWithTheReason() throws Exception {
        Security s = jwtSecurity();
        String expired = token(claims().expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
        String otherIssuer = token(claims().issuer("https://evil.example").build());
        String noRoles = token(claims().claim("vxdb_roles", List.of()).build());
        String badRole = token(claims().claim("vxdb_roles", List.of("root")).build());
        assertEquals("the token is not valid: Expired JWT", refused(() -> s.authenticate(expired, "h:1", "grpc", "r"))
                .getMessage());
        assertEquals("the token is not valid: JWT iss claim value rejected", refused(() -> s.authenticate(otherIssuer, "h:1", "grpc", "r")).getMessage());
        assertEquals("the token has no role in its vxdb_roles claim",
                refused(() -> s.authenticate(noRoles, "h:1", "grpc", "r")).getMessage());
        assertEquals("the token's vxdb_roles claim: unknown role 'root': use admin, write or read",
                refused(() -> s.authenticate(badRole, "h:1", "grpc", "r")).getMessage());
        // unsigned, or signed with a shared secret: never taken
        String plain = new PlainJWT(claims().build()).serialize();
        assertEquals(VxdbException.Code.UNAUTHENTICATED, refused(() -> s.authenticate(plain + "x", "h:1", "grpc", "r"))
                .code());
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        assertTrue(refused(() -> s.authenticate(hmac.serialize(), "h:1", "grpc", "r")).getMessage()
                .startsWith("the token is not valid: "));
        // another key signed it
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build());
        forged.sign(new RSASSASigner(other));
        assertEquals("the token is not valid: Signed JWT rejected: Invalid signature",
                refused(() -> s.authenticate(forged.serialize(), "h:1", "grpc", "r")).getMessage());
    }

    @Test
    void aReplacedJwkSetIsReadAgain() throws Exception {
        Security s = jwtSecurity();
        String before = token(claims().build());
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        Path jwks = dir.resolve("jwks.json");
        Path tmp = dir.resolve("jwks.json.tmp");
        Files.writeString(tmp, new JWKSet(rotated.toPublicJWK()).toString());
        Files.move(tmp, jwks, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(jwks, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        s.reload();
        SignedJWT fresh = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k2").build(), claims().build());
        fresh.sign(new RSASSASigner(rotated));
        assertEquals("jwt:svc-ingest", s.authenticate(fresh.serialize(), "h:1", "grpc", "r").principal());
        assertEquals(VxdbException.Code.UNAUTHENTICATED, refused(() -> s.authenticate(before, "h:1", "grpc", "r"))
                .code());
        // a broken file keeps the keys read before
        Files.writeString(jwks, "not json");
        Files.setLastModifiedTime(jwks, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(10)));
        s.reload();
        assertEquals("jwt:svc-ingest", s.authenticate(fresh.serialize(), "h:1", "grpc", "r").principal());
    }

    // ------------------------------------------------------------------------------------------
    // The keys command

    private record Run(int status, String out, String err) {
    }

    private static Run keys(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KeysMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theKeysCommandCreatesListsAndRevokes() throws IOException {
        Files.writeString(dir.resolve("topology.yaml"), "");
        Files.writeString(dir.resolve("coordinator.yaml"), """
                coordinator_id: c1
                topology:
                  file: topology.yaml
                security:
                  enabled: true
                  keys_file: secrets/keys.json
                """);
        String config = dir.resolve("coordinator.yaml").toString();
        Run created = keys("--config", config, "create", "--role", "write,read", "--collection", "docs", "--name",
                "ingest job");
        assertEquals(0, created.status(), created.err());
        String[] lines = created.out().split("\n");
        String id = lines[0].substring("created key ".length(), "created key ".length() + 12);
        assertEquals("created key " + id + " (roles: write, read; collections: [docs]) in "
                + dir.resolve("secrets/keys.json"), lines[0]);
        assertTrue(lines[1].startsWith("vxk_" + id + "_"), lines[1]);
        Run quiet = keys("create", "--role", "admin", "--quiet", "--file", dir.resolve("secrets/keys.json").toString());
        assertEquals(0, quiet.status());
        assertTrue(quiet.out().matches("vxk_[0-9a-f]{12}_\\S{43}\n"), quiet.out());

        Run list = keys("--config", config, "list");
        assertEquals(0, list.status());
        String[] rows = list.out().split("\n");
        assertEquals(3, rows.length);
        assertTrue(rows[0].startsWith("ID            STATE     ROLES"), rows[0]);
        assertTrue(rows[1].startsWith(id + "  live      write, read        [docs]"), rows[1]);
        assertTrue(rows[1].endsWith("ingest job"), rows[1]);

        Run revoked = keys("--config", config, "revoke", id);
        assertEquals(0, revoked.status(), revoked.err());
        assertTrue(revoked.out().startsWith("revoked key " + id + " at "), revoked.out());
        assertTrue(keys("--config", config, "list").out().contains(id + "  revoked"));
        Run again = keys("--config", config, "revoke", id);
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("keys: key " + id + " was already revoked at "), again.err());
        Run unknown = keys("--config", config, "revoke", "000000000000");
        assertEquals("keys: no key has id '000000000000' in " + dir.resolve("secrets/keys.json") + "\n", unknown.err());

        Run noRole = keys("--config", config, "create");
        assertEquals(2, noRole.status());
        assertTrue(noRole.err().startsWith("keys: create: --role is required (admin, write or read)\n"), noRole.err());
        Run badRole = keys("--config", config, "create", "--role", "root");
        assertEquals(1, badRole.status());
        assertEquals("keys: unknown role 'root': use admin, write or read\n", badRole.err());
        Run noFile = keys("list");
        assertEquals("keys: say which keys file: --config COORDINATOR_YAML or --file KEYS_FILE\n", noFile.err());
    }
}
