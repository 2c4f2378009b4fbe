package org.vxdb.coordinator.security;

import java.util.Locale;

/**
 * What a credential may do. {@code admin} creates and drops collections and may do everything
 * else; {@code write} inserts, upserts and deletes; {@code read} gets, searches and describes.
 * {@code write} does not include {@code read}: an ingest-only key cannot read data back.
 */
public enum Role {
    ADMIN, WRITE, READ;

    /** The name in config files, key files and messages: {@code admin}, {@code write}, {@code read}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed roles */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.text().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "': use admin, write or read");
    }
}
