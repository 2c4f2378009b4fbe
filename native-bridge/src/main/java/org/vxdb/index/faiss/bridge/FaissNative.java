package org.vxdb.index.faiss.bridge;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByRef;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.MemberSetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * VxDB's JavaCPP preset for FAISS 1.7.3: the part of the C++ API we use, mapped by hand (no
 * generated parser output), compiled by the javacpp Maven plugin into {@code libjniFaissNative.so}
 * and linked against Debian's static {@code libfaiss.a}.
 *
 * <p>These are raw bindings: they trust their arguments. Only {@code org.vxdb.index.faiss}
 * calls them, after validating everything in Java. Pointers returned by {@link #index_factory}
 * and {@link #vxdb_read_index_at} are owned by the caller and freed with {@link #vxdb_delete_index}.
 */
@Properties(value = @Platform(
        include = {
                "faiss/Index.h",
                "faiss/IndexIVF.h",
                "faiss/impl/HNSW.h",
                "faiss/impl/IDSelector.h",
                "faiss/index_factory.h",
                "faiss/index_io.h",
                "omp.h",
                "vxdb_faiss.h"},
        // JavaCPP emits -l flags in reverse order; the linker needs -lfaiss -lgomp -lopenblas.
        link = {"openblas", "gomp", "faiss"}))
public final class FaissNative {

    static {
        Loader.load();
    }

    /** {@code faiss::METRIC_INNER_PRODUCT}. */
    public static final int METRIC_INNER_PRODUCT = 0;
    /** {@code faiss::METRIC_L2}. */
    public static final int METRIC_L2 = 1;

    public static final int KIND_OTHER = 0;
    public static final int KIND_FLAT = 1;
    public static final int KIND_IVF = 2;
    public static final int KIND_HNSW = 3;

    private FaissNative() {
    }

    /** Loads the JNI library (and so FAISS); throws {@link UnsatisfiedLinkError} when it cannot. */
    public static void load() {
        Loader.load(FaissNative.class);
    }

    /** {@code faiss::Index}; named differently because JavaCPP has an annotation called Index. */
    @Namespace("faiss")
    @Name("Index")
    public static class FaissIndex extends Pointer {
        static {
            Loader.load();
        }

        public FaissIndex(Pointer p) {
            super(p);
        }

        @MemberGetter
        public native int d();

        @MemberGetter
        @Cast("int64_t")
        public native long ntotal();

        @MemberGetter
        @Cast("bool")
        public native boolean is_trained();

        @MemberGetter
        @Cast("int")
        public native int metric_type();

        public native void train(@Cast("int64_t") long n, @Const FloatPointer x);

        public native void add(@Cast("int64_t") long n, @Const FloatPointer x);

        public native void add_with_ids(@Cast("int64_t") long n, @Const FloatPointer x,
                                        @Cast("const int64_t*") LongPointer xids);

        public native void search(@Cast("int64_t") long n, @Const FloatPointer x, @Cast("int64_t") long k,
                                  FloatPointer distances, @Cast("int64_t*") LongPointer labels,
                                  @Const SearchParameters params);

        @Cast("size_t")
        public native long remove_ids(@Const @ByRef IDSelector sel);

        public native void reset();
    }

    /** {@code faiss::SearchParameters}: per-call options, including an optional id filter. */
    @Namespace("faiss")
    public static class SearchParameters extends Pointer {
        static {
            Loader.load();
        }

        public SearchParameters(Pointer p) {
            super(p);
        }

        /** A plain parameter block (for Flat and HNSW searches that only need an id filter). */
        public SearchParameters() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter
        public native IDSelector sel();

        @MemberSetter
        public native SearchParameters sel(IDSelector sel);
    }

    /** {@code faiss::SearchParametersIVF}: nprobe for one search. */
    @Namespace("faiss")
    public static class SearchParametersIVF extends SearchParameters {
        static {
            Loader.load();
        }

        public SearchParametersIVF() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter
        @Cast("size_t")
        public native long nprobe();

        @MemberSetter
        public native SearchParametersIVF nprobe(@Cast("size_t") long nprobe);
    }

    /**
     * {@code faiss::SearchParametersHNSW}. FAISS 1.7.3 ignores its efSearch during search (the
     * index field is used instead, see {@link #vxdb_hnsw_set_ef_search}); bound for completeness.
     */
    @Namespace("faiss")
    public static class SearchParametersHNSW extends SearchParameters {
        static {
            Loader.load();
        }

        public SearchParametersHNSW() {
            super((Pointer) null);
            allocate();
        }

        private native void allocate();

        @MemberGetter
        public native int efSearch();

        @MemberSetter
        public native SearchParametersHNSW efSearch(int efSearch);
    }

    /** {@code faiss::IDSelector}: decides which ids an operation touches. */
    @Namespace("faiss")
    public static class IDSelector extends Pointer {
        static {
            Loader.load();
        }

        public IDSelector(Pointer p) {
            super(p);
        }
    }

    /** {@code faiss::IDSelectorBatch}: a set of ids, copied at construction. */
    @Namespace("faiss")
    public static class IDSelectorBatch extends IDSelector {
        static {
            Loader.load();
        }

        public IDSelectorBatch(long n, LongPointer ids) {
            super((Pointer) null);
            allocate(n, ids);
        }

        private native void allocate(@Cast("size_t") long n, @Cast("const int64_t*") LongPointer ids);
    }

    /** {@code faiss::IDSelectorBitmap}: id i is selected when bit i of the byte array is set. */
    @Namespace("faiss")
    public static class IDSelectorBitmap extends IDSelector {
        static {
            Loader.load();
        }

        public IDSelectorBitmap(long bytes, BytePointer bitmap) {
            super((Pointer) null);
            allocate(bytes, bitmap);
        }

        private native void allocate(@Cast("size_t") long bytes, @Cast("const uint8_t*") BytePointer bitmap);
    }

    @Namespace("faiss")
    public static native FaissIndex index_factory(int d, String description, @Cast("faiss::MetricType") int metric);

    public static native void vxdb_delete_index(FaissIndex index);

    public static native int vxdb_index_kind(@Const FaissIndex index);

    @Cast("int64_t")
    public static native long vxdb_ivf_nlist(@Const FaissIndex index);

    /** The inverted list of each of {@code n} vectors; reads the index only (safe beside searches). */
    public static native void vxdb_ivf_assign(@Const FaissIndex index, @Cast("int64_t") long n, @Const FloatPointer x,
                                              @Cast("int64_t*") LongPointer lists);

    /** Adds {@code n} vectors with ids to the lists {@link #vxdb_ivf_assign} chose; excludes searches. */
    public static native void vxdb_ivf_add_assigned(FaissIndex index, @Cast("int64_t") long n, @Const FloatPointer x,
                                                    @Cast("const int64_t*") LongPointer ids,
                                                    @Cast("const int64_t*") LongPointer lists);

    public static native void vxdb_hnsw_set_ef_search(FaissIndex index, int efSearch);

    public static native int vxdb_hnsw_ef_search(@Const FaissIndex index);

    public static native void vxdb_write_index_at(@Const FaissIndex index, String path, @Cast("int64_t") long offset);

    public static native FaissIndex vxdb_read_index_at(String path, @Cast("int64_t") long offset);

    public static native float vxdb_bench_min_l2_avx2(@Const FloatPointer rows, @Cast("int64_t") long n, int d,
                                                      @Const FloatPointer query);

    public static native void omp_set_num_threads(int threads);

    public static native int omp_get_max_threads();
}
