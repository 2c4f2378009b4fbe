package org.vxdb.index.faiss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both FAISS libraries of this build load and answer the same on the same index: one JVM builds
 * Flat and IVF64,Flat with the generic (SSE) library and saves them; another loads those files with
 * the AVX2 library and searches the same queries (nprobe 8). Ids must match exactly, distances to
 * a relative 1e-4 (AVX2 sums with FMA, in another order). Runs only in builds that have the AVX2
 * library (the faiss-avx2 profile of native-bridge/pom.xml); ops/install-deps.sh --test makes it.
 */
@Tag("faiss-variants")
class FaissVariantTest {

    @TempDir
    Path dir;

    @Test
    void avx2LibraryAnswersLikeTheGenericOneOnTheSameIndex() throws Exception {
        List<String> generic = probe("generic", "build");
        List<String> avx2 = probe("avx2", "load");

        assertEquals("variant generic", generic.get(0));
        assertTrue(generic.get(1).endsWith("/linux-x86_64/libjniFaissNative.so"), generic.get(1));
        assertEquals("variant avx2", avx2.get(0));
        assertTrue(avx2.get(1).endsWith("/linux-x86_64-avx2/libjniFaissNative.so"), avx2.get(1));

        int expected = 2 + FaissVariantProbe.INDEXES.length * FaissVariantProbe.QUERIES;
        assertEquals(expected, generic.size());
        assertEquals(expected, avx2.size());
        for (int i = 2; i < expected; i++) {
            String[] g = generic.get(i).split(" ");
            String[] a = avx2.get(i).split(" ");
            assertEquals(g.length, a.length);
            assertEquals(g[0] + " " + g[1], a[0] + " " + a[1]);
            for (int j = 2; j < g.length; j++) {
                String[] gv = g[j].split(":");
                String[] av = a[j].split(":");
                assertEquals(gv[0], av[0], "id at rank " + (j - 2) + " of " + g[0] + " query " + g[1]);
                float gd = Float.parseFloat(gv[1]);
                float ad = Float.parseFloat(av[1]);
                assertTrue(Math.abs(gd - ad) <= 1e-4 * Math.max(1, Math.abs(gd)),
                        "distance at rank " + (j - 2) + " of " + g[0] + " query " + g[1] + ": " + gd + " vs " + ad);
            }
        }
    }

    private List<String> probe(String variant, String mode) throws Exception {
        Path out = dir.resolve(variant + ".txt");
        Path log = dir.resolve(variant + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-Dvxdb.index.provider=faiss", "-Dvxdb.faiss.variant=" + variant,
                "-cp", System.getProperty("java.class.path"),
                FaissVariantProbe.class.getName(), mode, dir.toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe " + variant + " did not finish");
        assertEquals(0, p.exitValue(), "probe " + variant + " failed:" + File.separator + Files.readString(log));
        return Files.readAllLines(out);
    }
}
