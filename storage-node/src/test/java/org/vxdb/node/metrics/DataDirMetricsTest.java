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
    void shouldLeaveOutADirectoryWhoseFileSystemCannotBeRead() {
        NodeMetrics metrics = new NodeMetrics();
        metrics.registerDataDirGauges(List.of(dir.resolve("missing"), dir));

        GaugeSnapshot usable = gauge(metrics, "vxdb_data_dir_usable_bytes");

        assertEquals(1, usable.getDataPoints().size());
        assertEquals(dir.toString(), usable.getDataPoints().get(0).getLabels().get("dir"));
    }
}
