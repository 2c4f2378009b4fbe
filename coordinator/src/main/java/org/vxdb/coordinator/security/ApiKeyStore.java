package org.vxdb.coordinator.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API keys of a cluster, in one JSON file that the {@code vxdb keys} command writes and every
 * coordinator reads (and reads again when it changes, so a revocation takes effect without a
 * restart). The file holds key ids, roles, collections and SHA-256 hashes of the secrets, never a
 * secret. It is replaced atomically (written beside, fsynced, renamed) under a lock file, readable
 * by its owner only.
 *
 * <pre>{"format": 1, "keys": [{"id": "3f9a2c71b0de", "name": "ingest", "roles": ["write"],
 *   "collections": ["docs"], "secret_sha256": "…", "created": "2026-12-07T02:00:00Z", "revoked": null}]}</pre>
 */
public final class ApiKeyStore {

    static final int FORMAT = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private volatile Map<String, ApiKey> keys;
    private volatile FileStamp stamp;

    private ApiKeyStore(Path file, Map<String, ApiKey> keys, FileStamp stamp) {
        this.file = file;
        this.keys = keys;
        this.stamp = stamp;
    }

    /**
     * Reads the file; a missing file is a store with no keys (the first {@code create} makes it).
     *
     * @throws KeyFileException naming the file and what is wrong with it
     */
    public static ApiKeyStore open(Path file) {
        Path f = file.toAbsolutePath().normalize();
        FileStamp s = FileStamp.of(f);
        return new ApiKeyStore(f, read(f), s);
    }

    public Path file() {
        return file;
    }

    /** The key with this id, live or revoked, or null. */
    public ApiKey get(String id) {
        return keys.get(id);
    }

    /** Every key, live and revoked, in the order they were created. */
    public List<ApiKey> list() {
        return List.copyOf(keys.values());
    }

    /**
     * Reads the file again if it changed since the last read. A file that cannot be read or parsed
     * leaves the keys as they were (and the exception says why).
     *
     * @return the keys before the reload, or null when the file had not changed
     */
    public synchronized Map<String, ApiKey> reloadIfChanged() {
        FileStamp now = FileStamp.of(file);
        if (now.equals(stamp)) {
            return null;
        }
        Map<String, ApiKey> before = keys;
        Map<String, ApiKey> fresh = read(file);
        keys = fresh;
        stamp = now;
        return before;
    }

    /** Makes a key; the returned token holds the only copy of its secret. */
    public ApiKeyToken create(String name, Set<Role> roles, Collection<String> collections) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one role: admin, write or read");
        }
        ApiKeyToken token = ApiKeyToken.generate();
        SortedSet<String> scope = collections == null || collections.isEmpty() ? null : new TreeSet<>(collections);
        mutate(current -> {
            if (current.containsKey(token.id())) {
                throw new IllegalStateException("key id " + token.id() + " already exists; create the key again");
            }
            current.put(token.id(), new ApiKey(token.id(), name == null ? "" : name, EnumSet.copyOf(roles), scope,
                    token.secretHash(), Instant.now(), null));
        });
        return token;
    }

    /**
     * Revokes a live key.
     *
     * @throws IllegalArgumentException when no key has the id, or it is already revoked
     */
    public ApiKey revoke(String id) {
        ApiKey[] done = new ApiKey[1];
        mutate(current -> {
            ApiKey k = current.get(id);
            if (k == null) {
                throw new IllegalArgumentException("no key has id '" + id + "' in " + file);
            }
            if (!k.live()) {
                throw new IllegalArgumentException("key " + id + " was already revoked at " + k.revoked());
            }
            done[0] = k.revokedAt(Instant.now());
            current.put(id, done[0]);
        });
        return done[0];
    }

    private interface Mutation {
        void apply(Map<String, ApiKey> keys);
    }

    /** Read, change and replace the file while holding its lock file, so two commands never lose a key. */
    private void mutate(Mutation m) {
        try {
            Files.createDirectories(file.getParent());
            Path lock = file.resolveSibling(file.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                Map<String, ApiKey> current = new LinkedHashMap<>(read(file));
                m.apply(current);
                write(current);
                keys = Collections.unmodifiableMap(current);
                stamp = FileStamp.of(file);
            }
        } catch (IOException e) {
            throw new KeyFileException("cannot write the keys file " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(Map<String, ApiKey> current) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode list = root.putArray("keys");
        for (ApiKey k : current.values()) {
            ObjectNode o = list.addObject();
            o.put("id", k.id());
            o.put("name", k.name());
            ArrayNode roles = o.putArray("roles");
            EnumSet.copyOf(k.roles()).forEach(r -> roles.add(r.text()));
            if (k.collections() == null) {
                o.putNull("collections");
            } else {
                ArrayNode c = o.putArray("collections");
                k.collections().forEach(c::add);
            }
            o.put("secret_sha256", k.secretHash());
            o.put("created", k.created().toString());
            if (k.revoked() == null) {
                o.putNull("revoked");
            } else {
                o.put("revoked", k.revoked().toString());
            }
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ownerOnly(tmp);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    private static void ownerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: its own permissions apply
        }
    }

    private static Map<String, ApiKey> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new KeyFileException("cannot read the keys file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new KeyFileException("the keys file " + file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("format").asInt(-1) != FORMAT || !root.path("keys").isArray()) {
            throw new KeyFileException("the keys file " + file + " is not a VxDB keys file (format " + FORMAT
                    + " with a \"keys\" list)", null);
        }
        Map<String, ApiKey> out = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode k : root.get("keys")) {
            ApiKey key = readKey(file, i++, k);
            if (out.put(key.id(), key) != null) {
                throw new KeyFileException("the keys file " + file + " has key id " + key.id() + " twice", null);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static ApiKey readKey(Path file, int index, JsonNode k) {
        String where = "the keys file " + file + ", keys[" + index + "]";
        try {
            String id = k.path("id").asString("");
            if (!ApiKeyToken.isKeyId(id)) {
                throw new KeyFileException(where + ": id '" + id + "' is not 12 hex digits", null);
            }
            EnumSet<Role> roles = EnumSet.noneOf(Role.class);
            for (JsonNode r : k.path("roles")) {
                roles.add(Role.parse(r.asString("")));
            }
            if (roles.isEmpty()) {
                throw new KeyFileException(where + ": no roles", null);
            }
            SortedSet<String> collections = null;
            if (k.path("collections").isArray()) {
                collections = new TreeSet<>();
                for (JsonNode c : k.get("collections")) {
                    collections.add(c.asString(""));
                }
            }
            String hash = k.path("secret_sha256").asString("");
            if (hash.length() != 64) {
                throw new KeyFileException(where + ": secret_sha256 is not a SHA-256 in hex", null);
            }
            Instant created = Instant.parse(k.path("created").asString(""));
            JsonNode revoked = k.path("revoked");
            Instant revokedAt = revoked.isString() ? Instant.parse(revoked.asString()) : null;
            return new ApiKey(id, k.path("name").asString(""), roles, collections, hash, created, revokedAt);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new KeyFileException(where + ": " + e.getMessage(), e);
        }
    }

    /** What tells a changed file from the one read last: modification time and size. */
    record FileStamp(FileTime modified, long size) {
        static FileStamp of(Path f) {
            try {
                return new FileStamp(Files.getLastModifiedTime(f), Files.size(f));
            } catch (IOException e) {
                return new FileStamp(null, -1);
            }
        }
    }

    /** The keys file cannot be read, parsed or written. */
    public static final class KeyFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
