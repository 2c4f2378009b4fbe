package org.vxdb.index.faiss;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.faiss.bridge.FaissNative;

/**
 * Which build of FAISS the JNI library links: {@code generic} (Debian's libfaiss, SSE only; always
 * in the jar) or {@code avx2} (FAISS built from Debian's source package with
 * {@code -DFAISS_OPT_LEVEL=avx2}, in the jar under {@code linux-x86_64-avx2/} when the build had it:
 * ops/faiss-avx2.sh). Chosen once per JVM, before the JNI library loads, by the CPU's features;
 * {@code -Dvxdb.faiss.variant=auto|avx2|generic} forces a choice. One log line says which and why.
 *
 * <p>Both libraries define the same JNI symbols, so a JVM holds exactly one of them: the choice is
 * made by loading the AVX2 library first under the JNI library's name, which JavaCPP then treats
 * as loaded.
 */
public final class FaissVariant {

    public static final String PROPERTY = "vxdb.faiss.variant";
    public static final String GENERIC = "generic";
    public static final String AVX2 = "avx2";

    /** What the AVX2 build of FAISS 1.7.3 compiles with: -mavx2 -mfma -mf16c -mpopcnt. */
    static final List<String> AVX2_FLAGS = List.of("avx2", "fma", "f16c", "popcnt");

    private static final String JNI_LIBRARY = "jniFaissNative";
    private static final String AVX2_RESOURCE = "linux-x86_64-avx2/libjniFaissNative.so";
    private static final Logger LOG = LoggerFactory.getLogger(FaissVariant.class);

    private static volatile Choice chosen;

    private FaissVariant() {
    }

    /** A variant and why it was chosen. */
    public record Choice(String variant, String reason) {
    }

    /** The variant this JVM loaded, or null before the FAISS JNI library was first loaded. */
    public static Choice loaded() {
        return chosen;
    }

    /**
     * Decides, without loading anything, which variant {@code mode} picks on a CPU with
     * {@code cpuFlags} when the AVX2 library is (or is not) in the jar.
     */
    public static Choice choose(String mode, Set<String> cpuFlags, boolean avx2Shipped) {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        List<String> missing = new ArrayList<>();
        for (String f : AVX2_FLAGS) {
            if (!cpuFlags.contains(f)) {
                missing.add(f);
            }
        }
        switch (m) {
            case GENERIC:
                return new Choice(GENERIC, "forced by -D" + PROPERTY + "=generic");
            case AVX2:
                if (!avx2Shipped) {
                    throw new IllegalStateException("-D" + PROPERTY + "=avx2, but this build has no AVX2 FAISS "
                            + "library (" + AVX2_RESOURCE + "): build it with ./vxdb deps --faiss-avx2, then rebuild");
                }
                if (!missing.isEmpty()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=avx2, but the CPU lacks "
                            + String.join(" ", missing));
                }
                return new Choice(AVX2, "forced by -D" + PROPERTY + "=avx2");
            case "auto":
                if (!avx2Shipped) {
                    return new Choice(GENERIC, "auto: this build has no AVX2 FAISS library (./vxdb deps --faiss-avx2)");
                }
                if (!missing.isEmpty()) {
                    return new Choice(GENERIC, "auto: the CPU lacks " + String.join(" ", missing));
                }
                return new Choice(AVX2, "auto: the CPU has " + String.join(" ", AVX2_FLAGS));
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + mode + " is not one of auto, avx2, generic");
        }
    }

    /**
     * Chooses the variant from {@code -Dvxdb.faiss.variant} and this CPU, loads its JNI library and
     * logs one line; later calls return the first choice. Throws what {@link FaissNative#load()}
     * throws when the library cannot load.
     */
    static synchronized Choice load() {
        if (chosen != null) {
            return chosen;
        }
        URL avx2 = FaissNative.class.getResource(AVX2_RESOURCE);
        Choice c = choose(System.getProperty(PROPERTY, "auto"), cpuFlags(), avx2 != null);
        if (AVX2.equals(c.variant())) {
            // Registers the AVX2 library under the JNI library's name, so FaissNative's own
            // Loader.load() finds it loaded and does not load the generic one.
            try {
                if (Loader.loadLibrary(FaissNative.class, new URL[] {avx2}, JNI_LIBRARY) == null) {
                    throw new UnsatisfiedLinkError("JavaCPP did not load " + avx2);
                }
            } catch (LinkageError | RuntimeException e) {
                if (c.reason().startsWith("forced")) {
                    throw e;
                }
                c = new Choice(GENERIC, "auto: the AVX2 library did not load (" + e + ")");
            }
        }
        FaissNative.load();
        chosen = c;
        LOG.info("FAISS library variant: {} ({})", c.variant(), c.reason());
        return c;
    }

    /** The CPU feature flags of the first processor in /proc/cpuinfo; empty where there is none. */
    static Set<String> cpuFlags() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return new HashSet<>(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException e) {
            // No /proc (not Linux): no flags, so auto picks the generic library, and the log line says why.
            LOG.debug("cannot read {}: {}", cpuinfo, e.toString());
        }
        return Set.of();
    }
}
