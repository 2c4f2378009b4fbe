package org.vxdb.coordinator.security;

import java.time.Instant;
import java.util.Set;
import java.util.SortedSet;

/**
 * One API key as stored in the keys file: never its secret, only the secret's SHA-256.
 *
 * @param id          12 hex digits, the principal in logs and the audit log
 * @param name        what the key is for, free text chosen at creation ("" for none)
 * @param roles       at least one
 * @param collections null: every collection
 * @param secretHash  SHA-256 of the secret, hex
 * @param created     when it was made
 * @param revoked     when it was revoked, or null while it is live
 */
public record ApiKey(String id, String name, Set<Role> roles, SortedSet<String> collections, String secretHash,
                     Instant created, Instant revoked) {

    public boolean live() {
        return revoked == null;
    }

    public Grants grants() {
        return new Grants(roles, collections, null);
    }

    ApiKey revokedAt(Instant when) {
        return new ApiKey(id, name, roles, collections, secretHash, created, when);
    }
}
