package org.vxdb.coordinator.config;

import java.time.Duration;

/**
 * The {@code repair:} section: the background anti-entropy pass (digests of every shard compared
 * between its replicas, differing buckets streamed), and {@code ./vxdb repair}.
 *
 * @param interval      between the ends of two background passes; zero: only on demand
 * @param buckets       digest buckets per shard that replicas compare
 * @param rowsPerSecond records the background pass streams per second at most
 */
public record RepairSettings(Duration interval, int buckets, int rowsPerSecond) {
}
