package org.vxdb.coordinator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The shape of an API key as a client sends it: {@code vxk_<id>_<secret>}, where the id is 12
 * lower-case hex digits (public: it names the key in listings and the audit log) and the secret is
 * 32 random bytes in unpadded base64url (43 characters). Only the SHA-256 of the secret is stored:
 * with 256 random bits there is nothing to guess, so a slow password hash would add only cost.
 *
 * @param id     the key id
 * @param secret the secret part, as sent
 */
public record ApiKeyToken(String id, String secret) {

    public static final String PREFIX = "vxk_";
    static final int ID_LENGTH = 12;
    static final int SECRET_LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key id and secret. */
    public static ApiKeyToken generate() {
        byte[] id = new byte[ID_LENGTH / 2];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return new ApiKeyToken(HexFormat.of().formatHex(id),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** True when {@code credential} has the API key's prefix (it may still be malformed). */
    public static boolean looksLikeKey(String credential) {
        return credential.startsWith(PREFIX);
    }

    /** The id and secret of a well-formed key, or null. */
    public static ApiKeyToken parse(String credential) {
        int idEnd = PREFIX.length() + ID_LENGTH;
        if (!credential.startsWith(PREFIX) || credential.length() != idEnd + 1 + SECRET_LENGTH
                || credential.charAt(idEnd) != '_') {
            return null;
        }
        String id = credential.substring(PREFIX.length(), idEnd);
        if (!isKeyId(id)) {
            return null;
        }
        return new ApiKeyToken(id, credential.substring(idEnd + 1));
    }

    /** 12 lower-case hex digits. */
    public static boolean isKeyId(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The whole credential: {@code vxk_<id>_<secret>}. */
    public String text() {
        return PREFIX + id + "_" + secret;
    }

    /** The stored form of the secret: SHA-256, hex. */
    public String secretHash() {
        return hash(secret);
    }

    static String hash(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Compares in time independent of where the hashes differ. */
    boolean matches(String storedHash) {
        return MessageDigest.isEqual(secretHash().getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "ApiKeyToken[" + id + "]";
    }
}
