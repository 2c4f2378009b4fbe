package org.vxdb.index;

/** The index structures VxDB can build. Only {@link #FLAT} is exact. */
public enum IndexType {
    FLAT,
    IVF_FLAT,
    IVF_SQ8,
    IVF_PQ,
    HNSW_FLAT;

    public boolean isIvf() {
        return this == IVF_FLAT || this == IVF_SQ8 || this == IVF_PQ;
    }

    public boolean isApproximate() {
        return this != FLAT;
    }
}
