package org.vxdb.coordinator.rest;

import java.util.List;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CollectionStats;
import org.vxdb.api.v1.DeleteResponse;
import org.vxdb.api.v1.FsyncPolicy;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.NodeSearch;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.StoredVector;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.api.v1.WriteResponse;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The core's responses as JSON. Ids and versions (uint64) are decimal strings; counts are numbers.
 * Vector values and metadata appear only when the request asked for them.
 */
final class ResponseEncoder {

    private ResponseEncoder() {
    }

    static ObjectNode collection(CollectionInfo info) {
        ObjectNode out = RestJson.object();
        out.set("spec", spec(info.getSpec()));
        out.set("stats", stats(info.getStats()));
        return out;
    }

    static ObjectNode collections(List<CollectionInfo> infos) {
        ObjectNode out = RestJson.object();
        ArrayNode list = out.putArray("collections");
        infos.forEach(i -> list.add(collection(i)));
        return out;
    }

    static ObjectNode spec(CollectionSpec s) {
        ObjectNode out = RestJson.object();
        out.put("name", s.getName());
        out.put("dimension", Integer.toUnsignedLong(s.getDimension()));
        if (s.getMetric() != Metric.METRIC_UNSPECIFIED && s.getMetric() != Metric.UNRECOGNIZED) {
            out.put("metric", RequestDecoder.spelling(s.getMetric()));
        }
        out.put("index", s.getIndex());
        out.put("shard_count", Integer.toUnsignedLong(s.getShardCount()));
        out.put("buffer_rows", Integer.toUnsignedLong(s.getBufferRows()));
        unsigned(out, "buffer_bytes", s.getBufferBytes());
        unsigned(out, "buffer_age_millis", s.getBufferAgeMillis());
        if (s.getFsyncPolicy() != FsyncPolicy.FSYNC_POLICY_UNSPECIFIED
                && s.getFsyncPolicy() != FsyncPolicy.UNRECOGNIZED) {
            out.put("fsync_policy", RequestDecoder.spelling(s.getFsyncPolicy()).substring("fsync_".length()));
        }
        unsigned(out, "batch_window_micros", s.getBatchWindowMicros());
        if (s.getRecallTarget() > 0) {
            out.put("recall_target", s.getRecallTarget());
        }
        if (s.getMetadataIndexesCount() == 0) {
            return out;
        }
        ArrayNode indexes = out.putArray("metadata_indexes");
        for (org.vxdb.api.v1.MetadataIndexSpec m : s.getMetadataIndexesList()) {
            ObjectNode index = indexes.addObject();
            index.put("field", m.getField());
            if (m.getKind() != org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_KIND_UNSPECIFIED
                    && m.getKind() != org.vxdb.api.v1.MetadataIndexKind.UNRECOGNIZED) {
                index.put("kind", RequestDecoder.spelling(m.getKind()).substring("metadata_index_".length()));
            }
        }
        return out;
    }

    /** A uint64 count as a JSON number with every digit (above 2^63 it would read negative as a long). */
    static void unsigned(ObjectNode out, String field, long value) {
        if (value >= 0) {
            out.put(field, value);
        } else {
            out.put(field, new java.math.BigInteger(Long.toUnsignedString(value)));
        }
    }

    private static ObjectNode stats(CollectionStats s) {
        ObjectNode out = RestJson.object();
        unsigned(out, "vector_count", s.getVectorCount());
        out.put("segment_count", Integer.toUnsignedLong(s.getSegmentCount()));
        unsigned(out, "buffered_rows", s.getBufferedRows());
        unsigned(out, "indexed_rows", s.getIndexedRows());
        return out;
    }

    static ObjectNode write(WriteResponse r) {
        ObjectNode out = RestJson.object();
        ArrayNode ids = out.putArray("ids");
        r.getIdsList().forEach(id -> ids.add(VectorJson.id(id)));
        unsigned(out, "written", r.getWritten());
        out.set("failures", failures(r.getFailuresList()));
        return out;
    }

    static ArrayNode failures(List<WriteFailure> failures) {
        ArrayNode out = RestJson.array();
        for (WriteFailure f : failures) {
            out.addObject().put("id", VectorJson.id(f.getId())).put("reason", f.getReason());
        }
        return out;
    }

    static ObjectNode get(GetResponse r, boolean values, boolean metadata) {
        ObjectNode out = RestJson.object();
        ArrayNode vectors = out.putArray("vectors");
        for (StoredVector v : r.getVectorsList()) {
            vectors.add(storedVector(v, values, metadata));
        }
        ArrayNode missing = out.putArray("missing_ids");
        r.getMissingIdsList().forEach(id -> missing.add(VectorJson.id(id)));
        return out;
    }

    static ObjectNode storedVector(StoredVector v, boolean values, boolean metadata) {
        ObjectNode out = RestJson.object();
        out.put("id", VectorJson.id(v.getId()));
        out.put("version", VectorJson.id(v.getVersion()));
        if (values) {
            out.set("values", VectorJson.valuesNode(v.getValuesList()));
        }
        if (metadata) {
            out.set("metadata", VectorJson.metadataNode(v.getMetadataMap()));
        }
        return out;
    }

    static ObjectNode delete(DeleteResponse r) {
        ObjectNode out = RestJson.object();
        unsigned(out, "deleted", r.getDeleted());
        out.set("failures", failures(r.getFailuresList()));
        return out;
    }

    static ObjectNode search(SearchResponse r, boolean values, boolean metadata) {
        ObjectNode out = RestJson.object();
        ArrayNode hits = out.putArray("hits");
        for (SearchHit h : r.getHitsList()) {
            ObjectNode hit = hits.addObject();
            hit.put("id", VectorJson.id(h.getId()));
            hit.put("distance", h.getDistance());
            hit.put("version", VectorJson.id(h.getVersion()));
            if (values) {
                hit.set("values", VectorJson.valuesNode(h.getValuesList()));
            }
            if (metadata) {
                hit.set("metadata", VectorJson.metadataNode(h.getMetadataMap()));
            }
        }
        out.put("plan", r.getPlan());
        unsigned(out, "rows_scanned", r.getRowsScanned());
        if (r.hasRecall()) {
            out.put("recall", r.getRecall().getValue());
        }
        out.put("partial", r.getPartial());
        ArrayNode unavailable = out.putArray("unavailable_ranges");
        r.getUnavailableRangesList().forEach(unavailable::add);
        if (r.getNodesCount() > 0) {
            ArrayNode nodes = out.putArray("nodes");
            for (NodeSearch n : r.getNodesList()) {
                ObjectNode node = nodes.addObject();
                node.put("node", n.getNode());
                ArrayNode ranges = node.putArray("ranges");
                n.getRangesList().forEach(ranges::add);
                node.put("plan", n.getPlan());
                unsigned(node, "rows_scanned", n.getRowsScanned());
                node.put("hits", n.getHits());
                unsigned(node, "node_micros", n.getNodeMicros());
                unsigned(node, "round_trip_micros", n.getRoundTripMicros());
                node.put("error", n.getError());
            }
        }
        return out;
    }
}
