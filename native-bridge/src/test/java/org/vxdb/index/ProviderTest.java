package org.vxdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.vxdb.index.linear.LinearIndex;

/** How the provider is chosen, and what the pure-Java provider does with approximate specs. */
class ProviderTest {

    @Test
    void shouldUseTheProviderThisRunForces() {
        String forced = System.getProperty(VectorIndexProviders.PROPERTY);
        assertEquals(forced, VectorIndexProviders.get().name(), "surefire forces -D" + VectorIndexProviders.PROPERTY);
        assertTrue(VectorIndexProviders.get().reason().startsWith("forced by vxdb.index.provider=" + forced),
                VectorIndexProviders.get().reason());
    }

    @Test
    void shouldFailClearlyWhenAskedForIvfWithoutFaiss() {
        VectorIndexProvider java = VectorIndexProviders.choose("java", ApproximateFallback.FAIL);
        assertEquals("IVF64,Flat needs the FAISS provider, which is not active (forced by vxdb.index.provider=java); "
                        + "set -Dvxdb.index.approximate=exact to serve it with exact search",
                assertThrows(UnsupportedOperationException.class,
                        () -> java.create(IndexSpec.parse("IVF64,Flat", 8, Metric.L2))).getMessage());
        assertThrows(UnsupportedOperationException.class, () -> java.create(IndexSpec.parse("HNSW32,Flat", 8, Metric.L2)));
    }

    @Test
    void shouldServeApproximateSpecsExactlyWhenTheFallbackAllowsIt() {
        VectorIndexProvider java = VectorIndexProviders.choose("java", ApproximateFallback.EXACT);
        int dim = 16;
        try (Arena arena = Arena.ofConfined();
             VectorIndex ivf = java.create(IndexSpec.parse("IVF8,Flat", dim, Metric.L2));
             VectorIndex flat = java.create(IndexSpec.flat(dim, Metric.L2))) {
            assertTrue(((LinearIndex) ivf).isExactFallback());
            var base = TestData.randomVectors(300, dim, 11, arena);
            ivf.train(base);
            ivf.add(TestData.sequentialIds(300, 0, arena), base);
            flat.add(TestData.sequentialIds(300, 0, arena), base);
            var queries = TestData.randomVectors(5, dim, 12, arena);
            SearchResults a = ivf.search(queries, 7, SearchParams.nprobe(1), arena);
            SearchResults e = flat.search(queries, 7, SearchParams.DEFAULT, arena);
            for (int q = 0; q < 5; q++) {
                assertArrayEquals(e.idsOf(q), a.idsOf(q));
            }
        }
    }

    @Test
    void shouldRejectUnknownProviderNames() {
        assertEquals("vxdb.index.provider=cuda is not one of auto, faiss, java",
                assertThrows(IllegalArgumentException.class,
                        () -> VectorIndexProviders.choose("cuda", ApproximateFallback.FAIL)).getMessage());
    }

    @Test
    void shouldPreferFaissInAutoModeWhenItLoads() {
        VectorIndexProvider auto = VectorIndexProviders.choose("auto", ApproximateFallback.FAIL);
        if (org.vxdb.index.faiss.FaissProvider.loadFailure() == null) {
            assertEquals("faiss", auto.name());
        } else {
            assertEquals("java", auto.name());
            assertTrue(auto.reason().startsWith("FAISS JNI library did not load: "), auto.reason());
        }
    }
}
