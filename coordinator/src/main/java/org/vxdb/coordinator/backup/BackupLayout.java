package org.vxdb.coordinator.backup;

/**
 * Where things are in a backup directory:
 *
 * <pre>
 * backup.json                         the manifest ({@link BackupManifest})
 * BACKUP-COMPLETE                     the completion marker, written last and atomically
 * collections/&lt;name&gt;/spec.json        the collection's spec (protobuf JSON)
 * collections/&lt;name&gt;/shard-&lt;s&gt;/...   the shard's snapshot files
 * </pre>
 */
public final class BackupLayout {

    public static final String MANIFEST = "backup.json";
    public static final String COMPLETE_MARKER = "BACKUP-COMPLETE";
    static final String MARKER_MAGIC = "vxdb-backup 1";

    private BackupLayout() {
    }

    static String collectionDir(String collection) {
        return "collections/" + collection;
    }

    static String specFile(String collection) {
        return collectionDir(collection) + "/spec.json";
    }

    static String shardDir(String collection, int shard) {
        return collectionDir(collection) + "/shard-" + shard;
    }

    static String hex32(int value) {
        return String.format("%08x", value);
    }

    static String hex64(long value) {
        return String.format("%016x", value);
    }
}
