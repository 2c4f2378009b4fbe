package org.vxdb.index;

import java.util.Locale;

/**
 * What the pure-Java provider does when asked for an IVF or HNSW index, which only FAISS builds.
 * {@link #FAIL} (the default) throws a clear error; {@link #EXACT} serves the spec with exact
 * search, which has perfect recall but scans everything.
 */
public enum ApproximateFallback {
    FAIL,
    EXACT;

    public static final String PROPERTY = "vxdb.index.approximate";

    public static ApproximateFallback fromSystemProperty() {
        String v = System.getProperty(PROPERTY, "fail").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "fail" -> FAIL;
            case "exact" -> EXACT;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not one of fail, exact");
        };
    }
}
