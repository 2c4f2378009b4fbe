package org.vxdb.index.linear;

import java.nio.file.Path;
import java.util.Locale;
import org.vxdb.index.ApproximateFallback;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.VectorIndex;
import org.vxdb.index.VectorIndexProvider;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.spi.IndexFileDescriptor;
import org.vxdb.index.spi.IndexFiles;

/**
 * Pure-Java provider: exact search only. IVF and HNSW specs either fail or, with
 * {@link ApproximateFallback#EXACT}, are served by exact search.
 */
public final class JavaProvider implements VectorIndexProvider {

    private final String reason;
    private final ApproximateFallback fallback;

    public JavaProvider(String reason, ApproximateFallback fallback) {
        this.reason = reason;
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String reason() {
        return reason + "; approximate specs: " + fallback.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public VectorIndex create(IndexSpec spec) {
        if (!spec.type().isApproximate()) {
            return new LinearIndex(spec, Kernels.best(), false);
        }
        if (fallback == ApproximateFallback.EXACT) {
            return new LinearIndex(spec, Kernels.best(), true);
        }
        throw new UnsupportedOperationException(spec.description() + " needs the FAISS provider, which is not active ("
                + reason + "); set -D" + ApproximateFallback.PROPERTY + "=exact to serve it with exact search");
    }

    @Override
    public VectorIndex load(Path path) {
        IndexFiles.Header header = IndexFiles.read(path);
        if (header.engine() == IndexFileDescriptor.ENGINE_LINEAR) {
            return LinearIndex.load(path, header, Kernels.best(), header.spec().type().isApproximate());
        }
        throw new IllegalStateException("index file " + path + " holds a "
                + IndexFileDescriptor.engineName(header.engine()) + " " + header.spec().description()
                + " index, which the java provider cannot read (" + reason + ")");
    }

    @Override
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        // Exact scans here run on the caller's thread; nothing to configure.
    }

    @Override
    public int threads() {
        return 1;
    }
}
