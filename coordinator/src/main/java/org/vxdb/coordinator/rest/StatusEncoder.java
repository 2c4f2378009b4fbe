package org.vxdb.coordinator.rest;

import org.vxdb.api.internal.v1.DataDirStatus;
import org.vxdb.api.internal.v1.IndexState;
import org.vxdb.api.internal.v1.NodeStatusResponse;
import org.vxdb.api.internal.v1.ShardStats;
import org.vxdb.coordinator.core.ClusterReport;
import org.vxdb.coordinator.core.LiveStats;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster reports and live samples as JSON (docs/api-rest.md, "Cluster status"); the
 * dashboard reads exactly these. Sizes are bytes, times milliseconds unless a field says otherwise.
 */
final class StatusEncoder {

    private StatusEncoder() {
    }

    static ObjectNode cluster(ClusterReport.Cluster c) {
        ObjectNode out = RestJson.object();
        out.put("coordinator_id", c.coordinatorId());
        out.put("version", c.version());
        out.put("total_clusters", c.totalClusters());
        out.put("replication_factor", c.replicationFactor());
        out.put("taken_at_millis", c.takenAtMillis());
        ArrayNode nodes = out.putArray("nodes");
        for (ClusterReport.Node n : c.nodes()) {
            nodes.add(node(n));
        }
        ArrayNode ranges = out.putArray("ranges");
        for (ClusterReport.Range r : c.ranges()) {
            ObjectNode range = ranges.addObject();
            range.put("range", r.label());
            range.put("first", r.first());
            range.put("last", r.last());
            ArrayNode replicas = range.putArray("replicas");
            r.replicas().forEach(replicas::add);
        }
        return out;
    }

    private static ObjectNode node(ClusterReport.Node n) {
        ObjectNode out = RestJson.object();
        out.put("id", n.id());
        out.put("address", n.address());
        out.put("state", n.state());
        out.put("reason", n.reason());
        out.put("breaker", n.breaker());
        ArrayNode primary = out.putArray("primary_ranges");
        n.primaryRanges().forEach(primary::add);
        ArrayNode replica = out.putArray("replica_ranges");
        n.replicaRanges().forEach(replica::add);
        out.put("status_round_trip_micros", n.roundTripMicros());
        NodeStatusResponse s = n.status();
        if (s == null) {
            out.putNull("status");
            return out;
        }
        ObjectNode status = out.putObject("status");
        status.put("version", s.getVersion());
        status.put("started_at_millis", s.getStartedAtMillis());
        status.put("uptime_millis", s.getUptimeMillis());
        status.put("native_memory_used", s.getNativeMemoryUsed());
        status.put("native_memory_limit", s.getNativeMemoryLimit());
        status.put("collections", s.getCollections());
        ResponseEncoder.unsigned(status, "vectors", s.getVectors());
        status.put("index_provider", s.getIndexProvider());
        ArrayNode dirs = status.putArray("data_dirs");
        for (DataDirStatus d : s.getDataDirsList()) {
            ObjectNode dir = dirs.addObject();
            dir.put("path", d.getPath());
            dir.put("used_bytes", d.getUsedBytes());
            dir.put("total_bytes", d.getTotalBytes());
            dir.put("usable_bytes", d.getUsableBytes());
        }
        return out;
    }

    static ObjectNode shards(ClusterReport.CollectionShards c) {
        ObjectNode out = RestJson.object();
        out.set("spec", ResponseEncoder.spec(c.spec()));
        out.put("taken_at_millis", c.takenAtMillis());
        ArrayNode shards = out.putArray("shards");
        for (ClusterReport.Shard s : c.shards()) {
            ObjectNode shard = shards.addObject();
            shard.put("shard", s.shard());
            shard.put("range", s.range());
            shard.put("agreement", s.agreement());
            ArrayNode replicas = shard.putArray("replicas");
            for (ClusterReport.Replica r : s.replicas()) {
                replicas.add(replica(r));
            }
        }
        return out;
    }

    private static ObjectNode replica(ClusterReport.Replica r) {
        ObjectNode out = RestJson.object();
        out.put("node", r.node());
        out.put("role", r.role());
        out.put("error", r.error());
        ShardStats s = r.stats();
        if (s != null) {
            ResponseEncoder.unsigned(out, "vector_count", s.getVectorCount());
            out.put("segment_count", s.getSegmentCount());
            ResponseEncoder.unsigned(out, "buffered_rows", s.getBufferedRows());
            ResponseEncoder.unsigned(out, "indexed_rows", s.getIndexedRows());
            out.put("index", s.getIndex());
            out.put("index_state", indexState(s.getIndexState()));
            ResponseEncoder.unsigned(out, "index_memory_bytes", s.getIndexMemoryBytes());
            out.put("index_error", s.getIndexError());
            out.put("max_version", VectorJson.id(s.getMaxVersion()));
        }
        if (r.answered()) {
            out.put("digest", String.format("%016x", r.digest()));
            ResponseEncoder.unsigned(out, "digest_records", r.digestRecords());
        }
        return out;
    }

    private static String indexState(IndexState s) {
        return switch (s) {
            case INDEX_BUILDING -> "building";
            case INDEX_READY -> "ready";
            case INDEX_NONE -> "none";
            case INDEX_STATE_UNSPECIFIED, UNRECOGNIZED -> "unknown";
        };
    }

    /** One sample as an object; rates per second, latencies in milliseconds. */
    static ObjectNode sample(LiveStats.Sample s) {
        ObjectNode out = RestJson.object();
        out.put("at_millis", s.atMillis());
        out.put("searches_per_second", round(s.searchesPerSecond()));
        out.put("writes_per_second", round(s.writesPerSecond()));
        out.put("rows_written_per_second", round(s.rowsWrittenPerSecond()));
        out.put("reads_per_second", round(s.readsPerSecond()));
        out.put("errors_per_second", round(s.errorsPerSecond()));
        out.put("partial_searches_per_second", round(s.partialSearchesPerSecond()));
        out.put("search_p50_ms", round(s.searchP50Millis()));
        out.put("search_p99_ms", round(s.searchP99Millis()));
        out.put("write_p50_ms", round(s.writeP50Millis()));
        out.put("write_p99_ms", round(s.writeP99Millis()));
        out.put("in_flight", s.inFlight());
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
