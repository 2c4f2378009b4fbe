package org.vxdb.index;

import java.nio.file.Path;

/**
 * Makes and loads {@link VectorIndex}es. Two implementations exist: FAISS through our JavaCPP
 * preset, and pure Java. {@link VectorIndexProviders#get()} picks one once per JVM.
 */
public interface VectorIndexProvider {

    /** {@code "faiss"} or {@code "java"}. */
    String name();

    /** Why this provider was chosen, for logs and the self-check. */
    String reason();

    /** A new, empty index; IVF specs must be trained before use. */
    VectorIndex create(IndexSpec spec);

    /** Loads an index saved with {@link VectorIndex#save}, after verifying its checksums. */
    VectorIndex load(Path path);

    /** Threads a single native search or build may use (OpenMP for FAISS); at least 1. */
    void setThreads(int threads);

    int threads();
}
