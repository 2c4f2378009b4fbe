package org.vxdb.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the FAISS library variant is chosen, without loading any library. */
class FaissVariantChoiceTest {

    private static final Set<String> AVX2_CPU = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "popcnt");
    private static final Set<String> SSE_CPU = Set.of("sse4_2", "popcnt");

    @Test
    void autoPicksAvx2WhenTheCpuHasItAndTheBuildShipsIt() {
        assertEquals(new FaissVariant.Choice("avx2", "auto: the CPU has avx2 fma f16c popcnt"),
                FaissVariant.choose("auto", AVX2_CPU, true));
    }

    @Test
    void autoFallsBackToGenericAndSaysWhy() {
        assertEquals(new FaissVariant.Choice("generic", "auto: the CPU lacks avx2 fma f16c"),
                FaissVariant.choose("auto", SSE_CPU, true));
        assertEquals(new FaissVariant.Choice("generic",
                        "auto: this build has no AVX2 FAISS library (./vxdb deps --faiss-avx2)"),
                FaissVariant.choose(null, AVX2_CPU, false));
    }

    @Test
    void forcedChoices() {
        assertEquals(new FaissVariant.Choice("generic", "forced by -Dvxdb.faiss.variant=generic"),
                FaissVariant.choose(" Generic ", AVX2_CPU, true));
        assertEquals(new FaissVariant.Choice("avx2", "forced by -Dvxdb.faiss.variant=avx2"),
                FaissVariant.choose("avx2", AVX2_CPU, true));
        assertEquals("-Dvxdb.faiss.variant=avx2, but the CPU lacks avx2 fma f16c",
                assertThrows(IllegalStateException.class, () -> FaissVariant.choose("avx2", SSE_CPU, true))
                        .getMessage());
        assertEquals("-Dvxdb.faiss.variant=sse is not one of auto, avx2, generic",
                assertThrows(IllegalArgumentException.class, () -> FaissVariant.choose("sse", AVX2_CPU, true))
                        .getMessage());
    }

    @Test
    void forcingAvx2OnABuildWithoutItNamesTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FaissVariant.choose("avx2", Set.of("avx2", "fma", "f16c", "popcnt"), false));
        assertEquals("-Dvxdb.faiss.variant=avx2, but this build has no AVX2 FAISS library "
                + "(linux-x86_64-avx2/libjniFaissNative.so): build it with ./vxdb deps --faiss-avx2, then rebuild",
                e.getMessage());
    }

}
