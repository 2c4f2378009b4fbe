package org.vxdb.index;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What index to build: structure, dimension and metric, written the way FAISS's index factory
 * spells it ({@code Flat}, {@code IVF{nlist},Flat}, {@code IVF{nlist},SQ8}, {@code IVF{nlist},PQ{m}},
 * {@code HNSW{M},Flat}). Parsing validates everything a native call would otherwise trip over.
 */
public record IndexSpec(IndexType type, int dimension, Metric metric, int nlist, int pqM, int hnswM) {

    public static final int MAX_DIMENSION = 65_536;
    public static final int MAX_NLIST = 1 << 20;
    public static final int MAX_HNSW_M = 512;

    private static final Pattern IVF = Pattern.compile("IVF(\\d{1,9}),(Flat|SQ8|PQ(\\d{1,5}))");
    private static final Pattern HNSW = Pattern.compile("HNSW(\\d{1,5})(,Flat)?");
    private static final String EXPECTED =
            "expected Flat, IVF{nlist},Flat, IVF{nlist},SQ8, IVF{nlist},PQ{m} or HNSW{M},Flat";

    public IndexSpec {
        if (type == null || metric == null) {
            throw new IllegalArgumentException("index type and metric are required");
        }
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException(
                    "dimension must be between 1 and " + MAX_DIMENSION + ", got " + dimension);
        }
        if (type.isIvf() && (nlist < 1 || nlist > MAX_NLIST)) {
            throw new IllegalArgumentException("nlist must be between 1 and " + MAX_NLIST + ", got " + nlist);
        }
        if (type == IndexType.IVF_PQ) {
            if (pqM < 1 || dimension % pqM != 0) {
                throw new IllegalArgumentException("PQ" + pqM + " needs m >= 1 dividing the dimension "
                        + dimension + " evenly");
            }
        }
        if (type == IndexType.HNSW_FLAT && (hnswM < 2 || hnswM > MAX_HNSW_M)) {
            throw new IllegalArgumentException("HNSW M must be between 2 and " + MAX_HNSW_M + ", got " + hnswM);
        }
    }

    public static IndexSpec flat(int dimension, Metric metric) {
        return new IndexSpec(IndexType.FLAT, dimension, metric, 0, 0, 0);
    }

    /** Parses a factory description such as {@code IVF256,PQ16}. */
    public static IndexSpec parse(String description, int dimension, Metric metric) {
        String d = description == null ? "" : description.trim();
        if (d.equals("Flat")) {
            return flat(dimension, metric);
        }
        Matcher ivf = IVF.matcher(d);
        if (ivf.matches()) {
            int nlist = parsePositive(ivf.group(1), d);
            String coarse = ivf.group(2);
            if (coarse.equals("Flat")) {
                return new IndexSpec(IndexType.IVF_FLAT, dimension, metric, nlist, 0, 0);
            }
            if (coarse.equals("SQ8")) {
                return new IndexSpec(IndexType.IVF_SQ8, dimension, metric, nlist, 0, 0);
            }
            return new IndexSpec(IndexType.IVF_PQ, dimension, metric, nlist, parsePositive(ivf.group(3), d), 0);
        }
        Matcher hnsw = HNSW.matcher(d);
        if (hnsw.matches()) {
            return new IndexSpec(IndexType.HNSW_FLAT, dimension, metric, 0, 0, parsePositive(hnsw.group(1), d));
        }
        throw new IllegalArgumentException("unsupported index description '" + description + "': " + EXPECTED);
    }

    private static int parsePositive(String digits, String description) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number out of range in index description '" + description + "'", e);
        }
    }

    /** The canonical factory description, e.g. {@code IVF256,SQ8}. */
    public String description() {
        return switch (type) {
            case FLAT -> "Flat";
            case IVF_FLAT -> "IVF" + nlist + ",Flat";
            case IVF_SQ8 -> "IVF" + nlist + ",SQ8";
            case IVF_PQ -> "IVF" + nlist + ",PQ" + pqM;
            case HNSW_FLAT -> "HNSW" + hnswM + ",Flat";
        };
    }

    public boolean requiresTraining() {
        return type.isIvf();
    }

    /** Bytes of one float32 vector of this dimension. */
    public long vectorBytes() {
        return (long) dimension * Float.BYTES;
    }

    @Override
    public String toString() {
        return description() + " d=" + dimension + " " + metric.label();
    }
}
