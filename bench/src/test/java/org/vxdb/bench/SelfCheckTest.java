package org.vxdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.index.ApproximateFallback;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.VectorIndexProviders;

/** The self-check behind {@code ./vxdb selfcheck}, on the real sift-5k set, with each provider. */
class SelfCheckTest {

    private static final Path SIFT = Path.of(System.getProperty("vxdb.shared.dir", "../../shared"), "data", "sift-5k");

    private static String run(VectorIndexProvider provider, List<SelfCheck.Row>[] rowsOut) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        rowsOut[0] = SelfCheck.run(SIFT, provider, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportProviderRecallAndLatencyWithFaiss() throws IOException {
        VectorIndexProvider faiss = VectorIndexProviders.choose("faiss", ApproximateFallback.FAIL);
        List<SelfCheck.Row>[] rows = new List[1];
        String out = run(faiss, rows);
        assertTrue(out.contains("provider: faiss (forced by vxdb.index.provider=faiss"), out);
        assertTrue(out.contains("5000 base vectors, 100 queries, 128-d, L2"), out);
        SelfCheck.Row exact = rows[0].get(0);
        assertEquals("Flat", exact.index());
        assertEquals(1.0, exact.recall());
        assertEquals(100, exact.latencyNanos().getTotalCount());
        SelfCheck.Row ivfAll = rows[0].stream().filter(r -> r.params().equals("nprobe=64")).findFirst().orElseThrow();
        assertEquals(1.0, ivfAll.recall());
        SelfCheck.Row hnswWide = rows[0].stream().filter(r -> r.params().equals("efSearch=256")).findFirst()
                .orElseThrow();
        assertTrue(hnswWide.recall() >= 0.95, "HNSW efSearch=256 recall " + hnswWide.recall());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCheckExactSearchWithThePureJavaProvider() throws IOException {
        VectorIndexProvider java = VectorIndexProviders.choose("java", ApproximateFallback.FAIL);
        List<SelfCheck.Row>[] rows = new List[1];
        String out = run(java, rows);
        assertTrue(out.contains("provider: java (forced by vxdb.index.provider=java"), out);
        assertTrue(out.contains("(IVF and HNSW need the FAISS provider; only exact search is checked)"), out);
        assertEquals(1, rows[0].size());
        assertEquals(1.0, rows[0].get(0).recall());
    }

    @Test
    void shouldNameAMissingDataset() {
        Path missing = Path.of("no-such-dataset");
        IOException e = assertThrows(IOException.class,
                () -> SelfCheck.run(missing, VectorIndexProviders.choose("java", ApproximateFallback.FAIL),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertEquals("dataset directory no-such-dataset does not exist", e.getMessage());
    }
}
