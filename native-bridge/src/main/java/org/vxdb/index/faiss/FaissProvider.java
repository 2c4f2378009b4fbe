package org.vxdb.index.faiss;

import java.nio.file.Path;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.faiss.bridge.FaissNative;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.linear.LinearIndex;
import org.vxdb.index.spi.IndexFileDescriptor;
import org.vxdb.index.spi.IndexFiles;

/** Every index type through FAISS; files of the linear engine still load (as {@link LinearIndex}). */
public final class FaissProvider implements VectorIndexProvider {

    private static final String LOAD_FAILURE = tryLoad();

    private final String reason;

    public FaissProvider(String reason) {
        if (LOAD_FAILURE != null) {
            throw new IllegalStateException("the FAISS JNI library did not load: " + LOAD_FAILURE);
        }
        this.reason = reason;
    }

    /** Null when the JNI library is loaded, else why it is not. */
    public static String loadFailure() {
        return LOAD_FAILURE;
    }

    private static String tryLoad() {
        try {
            FaissVariant.load();
            return null;
        } catch (LinkageError | RuntimeException e) {
            // Not swallowed: the reason becomes the provider choice's log line.
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @Override
    public String name() {
        return "faiss";
    }

    @Override
    public String reason() {
        FaissVariant.Choice variant = FaissVariant.loaded();
        return reason + ", FAISS variant " + variant.variant() + " (" + variant.reason() + "), OpenMP threads "
                + threads();
    }

    @Override
    public VectorIndex create(IndexSpec spec) {
        return FaissVectorIndex.create(spec);
    }

    @Override
    public VectorIndex load(Path path) {
        IndexFiles.Header header = IndexFiles.read(path);
        return switch (header.engine()) {
            case IndexFileDescriptor.ENGINE_FAISS -> FaissVectorIndex.load(path, header);
            case IndexFileDescriptor.ENGINE_LINEAR -> LinearIndex.load(path, header, Kernels.best(), false);
            default -> throw new IllegalStateException("index file " + path + " has unknown engine " + header.engine());
        };
    }

    @Override
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        FaissNative.omp_set_num_threads(threads);
    }

    @Override
    public int threads() {
        return FaissNative.omp_get_max_threads();
    }
}
