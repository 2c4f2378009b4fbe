package org.vxdb.coordinator.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies JWT bearer tokens (signed, not encrypted) against the public keys of a JWK set file, with
 * Nimbus JOSE+JWT: the signature (RSA, RSA-PSS or EC; never {@code none} or an HMAC, whose key a
 * client would also hold), expiry and not-before (60 s of clock skew), and the issuer and audience
 * when configured. The roles come from a claim (a list of {@code admin}/{@code write}/{@code read})
 * and the collections from another (absent: every collection); the principal is {@code jwt:<sub>}.
 */
final class JwtVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final SecuritySettings.Jwt settings;

    private JwtVerifier(DefaultJWTProcessor<SecurityContext> processor, SecuritySettings.Jwt settings) {
        this.processor = processor;
        this.settings = settings;
    }

    /** @throws IllegalArgumentException naming the file when it is not a JWK set with public keys */
    static JwtVerifier load(SecuritySettings.Jwt settings) {
        Path file = settings.jwksFile();
        JWKSet keys;
        try {
            keys = JWKSet.load(file.toFile()).toPublicJWKSet();
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("security.jwt.jwks_file " + file + " is not a JWK set: " + e.getMessage(),
                    e);
        }
        if (keys.getKeys().isEmpty()) {
            throw new IllegalArgumentException("security.jwt.jwks_file " + file + " holds no public key");
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (settings.issuer() != null) {
            exact.issuer(settings.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience() == null ? null : Set.of(settings.audience()), exact.build(),
                Set.of("sub", "exp"), null);
        p.setJWTClaimsSetVerifier(claims);
        return new JwtVerifier(p, settings);
    }

    /** True when the credential has a JWT's shape: three base64url parts. */
    static boolean looksLikeJwt(String credential) {
        int first = credential.indexOf('.');
        int second = first < 0 ? -1 : credential.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && credential.indexOf('.', second + 1) < 0
                && second < credential.length() - 1;
    }

    /**
     * The token's subject and grants.
     *
     * @throws InvalidCredentialException saying why the token is refused
     */
    Verified verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidCredentialException("the token is not a signed JWT: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new InvalidCredentialException("the token is not valid: " + e.getMessage());
        } catch (JOSEException e) {
            throw new InvalidCredentialException("the token could not be verified: " + e.getMessage());
        }
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : stringList(claims, settings.rolesClaim())) {
            try {
                roles.add(Role.parse(r));
            } catch (IllegalArgumentException e) {
                throw new InvalidCredentialException("the token's " + settings.rolesClaim() + " claim: " + e.getMessage());
            }
        }
        if (roles.isEmpty()) {
            throw new InvalidCredentialException("the token has no role in its " + settings.rolesClaim() + " claim");
        }
        List<String> collections = claims.getClaim(settings.collectionsClaim()) == null ? null
                : stringList(claims, settings.collectionsClaim());
        Grants grants = new Grants(roles, collections == null ? null : new TreeSet<>(collections),
                claims.getExpirationTime().toInstant());
        return new Verified("jwt:" + claims.getSubject(), grants);
    }

    private static List<String> stringList(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        try {
            List<String> list = claims.getStringListClaim(name);
            return list == null ? List.of() : List.copyOf(new HashSet<>(list));
        } catch (ParseException e) {
            throw new InvalidCredentialException("the token's " + name + " claim is not a list of strings");
        }
    }

    record Verified(String principal, Grants grants) {
    }
}
