// Small C++ helpers compiled into VxDB's FAISS JNI library (see FaissNative.java).
// They cover what a plain binding of FAISS's classes cannot express well from Java:
// deleting an Index* that FAISS allocated, telling index kinds apart, and reading and writing
// an index at an offset inside a file that starts with VxDB's own header.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_io.h>

#ifdef __x86_64__
#include <immintrin.h>
#endif

enum VxdbIndexKind { VXDB_KIND_OTHER = 0, VXDB_KIND_FLAT = 1, VXDB_KIND_IVF = 2, VXDB_KIND_HNSW = 3 };

// Frees an index that index_factory or read_index allocated. Null is ignored.
inline void vxdb_delete_index(faiss::Index* index) {
    delete index;
}

// The structure under an optional IndexIDMap wrapper.
inline const faiss::Index* vxdb_unwrap(const faiss::Index* index) {
    if (const auto* idmap = dynamic_cast<const faiss::IndexIDMap*>(index)) {
        return idmap->index;
    }
    return index;
}

inline int vxdb_index_kind(const faiss::Index* index) {
    const faiss::Index* inner = vxdb_unwrap(index);
    if (dynamic_cast<const faiss::IndexIVF*>(inner) != nullptr) {
        return VXDB_KIND_IVF;
    }
    if (dynamic_cast<const faiss::IndexHNSW*>(inner) != nullptr) {
        return VXDB_KIND_HNSW;
    }
    if (dynamic_cast<const faiss::IndexFlat*>(inner) != nullptr) {
        return VXDB_KIND_FLAT;
    }
    return VXDB_KIND_OTHER;
}

// Number of inverted lists of an IVF index, 0 for any other kind.
inline int64_t vxdb_ivf_nlist(const faiss::Index* index) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(vxdb_unwrap(index));
    return ivf == nullptr ? 0 : static_cast<int64_t>(ivf->nlist);
}

// The first half of an IVF add, which may run beside searches: the inverted list of each vector
// (its nearest coarse centroid). Reads the index only.
inline void vxdb_ivf_assign(const faiss::Index* index, int64_t n, const float* x, int64_t* lists) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index);
    if (ivf == nullptr) {
        throw std::invalid_argument("not an IVF index");
    }
    ivf->quantizer->assign(n, x, lists);
}

// The second half: appends the vectors to the lists vxdb_ivf_assign chose. Changes the lists, so the
// caller excludes searches while it runs (it is the cheap half: encoding and copying).
inline void vxdb_ivf_add_assigned(faiss::Index* index, int64_t n, const float* x, const int64_t* ids,
                                  const int64_t* lists) {
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(index);
    if (ivf == nullptr) {
        throw std::invalid_argument("not an IVF index");
    }
    ivf->add_core(n, x, ids, lists);
}

// HNSW search breadth. FAISS 1.7.3 ignores SearchParametersHNSW::efSearch, so VxDB sets the
// field instead (FaissVectorIndex serialises changes of it against running searches).
inline void vxdb_hnsw_set_ef_search(faiss::Index* index, int ef_search) {
    auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index);
    if (hnsw == nullptr) {
        throw std::invalid_argument("not an HNSW index");
    }
    hnsw->hnsw.efSearch = ef_search;
}

inline int vxdb_hnsw_ef_search(const faiss::Index* index) {
    const auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index);
    return hnsw == nullptr ? 0 : hnsw->hnsw.efSearch;
}

// Writes the index at byte `offset` of an existing file and flushes it to the OS
// (the Java side fsyncs the whole file afterwards).
inline void vxdb_write_index_at(const faiss::Index* index, const char* path, int64_t offset) {
    FILE* f = std::fopen(path, "r+b");
    if (f == nullptr) {
        throw std::runtime_error(std::string("cannot open ") + path + " for writing");
    }
    try {
        if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
            throw std::runtime_error(std::string("cannot seek in ") + path);
        }
        faiss::write_index(index, f);
        if (std::fflush(f) != 0) {
            throw std::runtime_error(std::string("cannot flush ") + path);
        }
    } catch (...) {
        std::fclose(f);
        throw;
    }
    if (std::fclose(f) != 0) {
        throw std::runtime_error(std::string("cannot close ") + path);
    }
}

// Reads an index that starts at byte `offset` of a file. The caller owns the result.
inline faiss::Index* vxdb_read_index_at(const char* path, int64_t offset) {
    FILE* f = std::fopen(path, "rb");
    if (f == nullptr) {
        throw std::runtime_error(std::string("cannot open ") + path + " for reading");
    }
    faiss::Index* index = nullptr;
    try {
        if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
            throw std::runtime_error(std::string("cannot seek in ") + path);
        }
        index = faiss::read_index(f, 0);
    } catch (...) {
        std::fclose(f);
        throw;
    }
    std::fclose(f);
    return index;
}

// Benchmark baseline only: squared L2 from one query to n rows with AVX2 + FMA intrinsics,
// four accumulators deep; returns the smallest distance so nothing can be optimised away.
// This is the "plain C AVX2 loop" the pure-Java scan is measured against (bench/, JMH).
#ifdef __x86_64__
__attribute__((target("avx2,fma")))
inline float vxdb_bench_min_l2_avx2(const float* rows, int64_t n, int d, const float* query) {
    float best = __builtin_huge_valf();
    for (int64_t r = 0; r < n; r++) {
        const float* x = rows + r * d;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int i = 0;
        for (; i + 32 <= d; i += 32) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(query + i), _mm256_loadu_ps(x + i));
            __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(query + i + 8), _mm256_loadu_ps(x + i + 8));
            __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(query + i + 16), _mm256_loadu_ps(x + i + 16));
            __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(query + i + 24), _mm256_loadu_ps(x + i + 24));
            a0 = _mm256_fmadd_ps(d0, d0, a0);
            a1 = _mm256_fmadd_ps(d1, d1, a1);
            a2 = _mm256_fmadd_ps(d2, d2, a2);
            a3 = _mm256_fmadd_ps(d3, d3, a3);
        }
        for (; i + 8 <= d; i += 8) {
            __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(query + i), _mm256_loadu_ps(x + i));
            a0 = _mm256_fmadd_ps(d0, d0, a0);
        }
        __m256 s = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
        __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        h = _mm_add_ps(h, _mm_movehl_ps(h, h));
        h = _mm_add_ss(h, _mm_movehdup_ps(h));
        float sum = _mm_cvtss_f32(h);
        for (; i < d; i++) {
            float t = query[i] - x[i];
            sum += t * t;
        }
        if (sum < best) {
            best = sum;
        }
    }
    return best;
}
#endif
