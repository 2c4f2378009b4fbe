package org.vxdb.coordinator.security;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What an authenticated caller may do: its roles, and the collections it is limited to (null: every
 * collection). A token's grants also end when it expires.
 *
 * @param expires null for a credential that does not expire by itself (API keys are revoked instead)
 */
public record Grants(Set<Role> roles, SortedSet<String> collections, Instant expires) {

    /** What every caller may do while authentication is off. */
    public static final Grants ALL = new Grants(EnumSet.allOf(Role.class), null, null);

    public Grants {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        collections = collections == null ? null : new TreeSet<>(collections);
    }

    /** True when the roles allow {@code needed} ({@code admin} allows everything). */
    public boolean hasRole(Role needed) {
        return roles.contains(Role.ADMIN) || roles.contains(needed);
    }

    /** True when the collection is within the grant; a null collection (none named) is always. */
    public boolean covers(String collection) {
        return collections == null || collection == null || collections.contains(collection);
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** {@code admin, read} in a fixed order, for messages and listings. */
    public String rolesText() {
        return roles.isEmpty() ? "none" : EnumSet.copyOf(roles).stream().map(Role::text)
                .collect(Collectors.joining(", "));
    }

    /** {@code all} or {@code [a, b]}. */
    public String collectionsText() {
        return collections == null ? "all" : collections.toString();
    }
}
