package org.vxdb.index;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.index.faiss.FaissProvider;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.linear.JavaProvider;

/**
 * Chooses the {@link VectorIndexProvider} once per JVM: FAISS when its JNI library loads, pure
 * Java otherwise, and logs one line saying which and why. {@code -Dvxdb.index.provider=faiss|java}
 * (or {@link #choose(String, ApproximateFallback)} with a config value) forces a choice; forcing
 * FAISS when it cannot load is an error, never a silent fallback.
 */
public final class VectorIndexProviders {

    public static final String PROPERTY = "vxdb.index.provider";

    private static final Logger LOG = LoggerFactory.getLogger(VectorIndexProviders.class);

    private VectorIndexProviders() {
    }

    private static final class Holder {
        static final VectorIndexProvider INSTANCE = announce(choose(System.getProperty(PROPERTY, "auto"),
                ApproximateFallback.fromSystemProperty()));
    }

    /** The provider for this JVM, chosen on first use. */
    public static VectorIndexProvider get() {
        return Holder.INSTANCE;
    }

    /**
     * Chooses a provider for {@code mode} ({@code auto}, {@code faiss} or {@code java}) without
     * touching the JVM-wide choice.
     */
    public static VectorIndexProvider choose(String mode, ApproximateFallback fallback) {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        switch (m) {
            case "java":
                return new JavaProvider("forced by " + PROPERTY + "=java", fallback);
            case "faiss": {
                String failure = FaissProvider.loadFailure();
                if (failure != null) {
                    throw new IllegalStateException(PROPERTY + "=faiss, but the FAISS JNI library did not load: "
                            + failure);
                }
                return new FaissProvider("forced by " + PROPERTY + "=faiss");
            }
            case "auto": {
                String failure = FaissProvider.loadFailure();
                if (failure == null) {
                    return new FaissProvider("FAISS JNI library loaded");
                }
                return new JavaProvider("FAISS JNI library did not load: " + failure, fallback);
            }
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + mode + " is not one of auto, faiss, java");
        }
    }

    private static VectorIndexProvider announce(VectorIndexProvider provider) {
        Kernels.Choice kernels = Kernels.choice();
        LOG.info("VectorIndex provider: {} ({}); exact-scan kernels: {} ({})", provider.name(), provider.reason(),
                kernels.kernels().name(), kernels.reason());
        return provider;
    }
}
