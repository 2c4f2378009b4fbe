package org.vxdb.coordinator.security;

/**
 * Every operation of the core API, with the role it needs and its name in logs, metrics and the
 * audit log (the same name in every protocol).
 */
public enum Operation {
    CREATE_COLLECTION("CreateCollection", Role.ADMIN),
    DROP_COLLECTION("DropCollection", Role.ADMIN),
    ADD_METADATA_INDEX("AddMetadataIndex", Role.ADMIN),
    DESCRIBE_COLLECTION("DescribeCollection", Role.READ),
    LIST_COLLECTIONS("ListCollections", Role.READ),
    INSERT("Insert", Role.WRITE),
    UPSERT("Upsert", Role.WRITE),
    DELETE("Delete", Role.WRITE),
    GET("Get", Role.READ),
    SEARCH("Search", Role.READ),
    /** Every node's state and resources, and the placement of cluster ranges (the dashboard). */
    CLUSTER_STATUS("ClusterStatus", Role.READ),
    /** Each shard of a collection on each replica, with digests compared (the dashboard). */
    DESCRIBE_SHARDS("DescribeShards", Role.READ),
    /** The coordinator's live traffic figures, one sample a second (the dashboard). */
    WATCH_METRICS("WatchMetrics", Role.READ);

    private final String text;
    private final Role role;

    Operation(String text, Role role) {
        this.text = text;
        this.role = role;
    }

    /** {@code Search}, {@code CreateCollection}. */
    public String text() {
        return text;
    }

    /** The role a caller needs for it. */
    public Role role() {
        return role;
    }

    /** The audit category: {@code admin}, {@code write} or {@code read}. */
    public String category() {
        return role.text();
    }

    /** True for the operations that change data or collections. */
    public boolean mutates() {
        return role != Role.READ;
    }
}
