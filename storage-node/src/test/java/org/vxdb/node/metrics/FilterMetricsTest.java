package org.vxdb.node.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.storage.engine.EngineStats;

/** Filtered-search and metadata index metrics, as a scrape shows them. */
class FilterMetricsTest {

    private static String scrape(NodeMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.service().scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldCountFilteredSearchesByPlanWithEstimatedAndActualMatchesAndIndexBytesPerField() throws IOException {
        NodeMetrics metrics = new NodeMetrics();
        MetricsStorageListener listener = new MetricsStorageListener(metrics);
        listener.filteredSearch("exact-matches", 40, 37);
        listener.filteredSearch("exact-matches", 10, 9);
        listener.filteredSearch("index-wide", 20_000, 20_133);
        listener.metadataIndexBuilt("ordered:price", 500, 2_000_000);
        listener.filteredRecallSampled(0.9);
        listener.filteredRecallSampled(1.0);
        metrics.registerEngineGauges(() -> new EngineStats(1, 1, 10, 1, 0, 0, 0, 0, 0, 1, List.of(
                new EngineStats.MetadataIndexBytes("docs", "price", "ordered", 6_000))));
        String text = scrape(metrics);
        for (String line : List.of("vxdb_filtered_searches_total{plan=\"exact-matches\"} 2.0",
                "vxdb_filtered_searches_total{plan=\"index-wide\"} 1.0",
                "vxdb_filter_estimated_matches_total{plan=\"exact-matches\"} 50.0",
                "vxdb_filter_actual_matches_total{plan=\"exact-matches\"} 46.0",
                "vxdb_filter_estimate_ratio_count 3",
                "vxdb_metadata_index_build_duration_seconds_count 1",
                "vxdb_search_measured_recall_count{source=\"filtered\"} 2",
                "vxdb_search_measured_recall_bucket{source=\"filtered\",le=\"0.9\"} 1",
                "vxdb_metadata_index_bytes{collection=\"docs\",field=\"price\",kind=\"ordered\"} 6000.0")) {
            assertTrue(text.contains(line), () -> line + " missing from\n" + text);
        }
    }
}
