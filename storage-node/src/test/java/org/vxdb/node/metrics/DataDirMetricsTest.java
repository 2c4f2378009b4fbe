package org.vxdb.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk-full alert's inputs: free and total bytes per data directory. */
class DataDirMetricsTest {

    @TempDir
    Path dir;

    private static GaugeSnapshot gauge(NodeMetrics metrics, String name) {
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getPrometheusName().equals(name)) {
                return (GaugeSnapshot) s;
            }
        }
        throw new AssertionError(name + " not registered");
    }

    @Test
    void shouldExportUsableAndTotalBytesOfEachDataDirectoryFileSystem() throws IOException {
        Path second = Files.createDirectory(dir.resolve("disk2"));
        NodeMetrics metrics = new NodeMetrics();
        metrics.registerDataDirGauges(List.of(dir, second));

        GaugeSnapshot total = gauge(metrics, "vxdb_data_dir_total_bytes");
        GaugeSnapshot usable = gauge(metrics, "vxdb_data_dir_usable_bytes");

        assertEquals(2, total.getDataPoints().size());
        assertEquals(dir.toString(), total.getDataPoints().get(0).getLabels().get("dir"));
        assertEquals(second.toString(), total.getDataPoints().get(1).getLabels().get("dir"));
        assertEquals((double) Files.getFileStore(dir).getTotalSpace(), total.getDataPoints().get(0).getValue());
        double free = usable.getDataPoints().get(0).getValue();
        assertTrue(free > 0 && free <= total.getDataPoints().get(0).getValue(), () -> "usable " + free);
    }

    @Test
    void shouldCountTheSegmentFilesInEveryShardsQuarantineDirectory() throws IOException {
        NodeMetrics metrics = new NodeMetrics();
        metrics.registerDataDirGauges(List.of(dir));
        assertEquals(0.0, gauge(metrics, "vxdb_quarantined_segment_files").getDataPoints().get(0).getValue());

        Files.createDirectories(dir.resolve("collections/docs/shard-0/quarantine"));
        Files.createFile(dir.resolve("collections/docs/shard-0/quarantine/seg-00000001-0000000000000000.vxs"));
        Files.createDirectories(dir.resolve("collections/docs/shard-3/quarantine"));
        Files.createFile(dir.resolve("collections/docs/shard-3/quarantine/seg-00000002-0000000000000100.vxs"));
        Files.createFile(dir.resolve("collections/docs/shard-3/seg-00000002-0000000000000200.vxs"));
        Files.createDirectories(dir.resolve("collections/other/shard-0"));

        GaugeSnapshot quarantined = gauge(metrics, "vxdb_quarantined_segment_files");
        assertEquals(dir.toString(), quarantined.getDataPoints().get(0).getLabels().get("dir"));
        assertEquals(2.0, quarantined.getDataPoints().get(0).getValue());
    }

    @Test
    void shouldLeaveOutADirectoryWhoseFileSystemCannotBeRead() {
        NodeMetrics metrics = new NodeMetrics();
        metrics.registerDataDirGauges(List.of(dir.resolve("missing"), dir));

        GaugeSnapshot usable = gauge(metrics, "vxdb_data_dir_usable_bytes");

        assertEquals(1, usable.getDataPoints().size());
        assertEquals(dir.toString(), usable.getDataPoints().get(0).getLabels().get("dir"));
    }
}
