package org.vxdb.index;

import java.util.Locale;

/**
 * How two vectors are compared. Every search result carries a distance where smaller is closer:
 * squared Euclidean for {@link #L2}, the negated dot product for {@link #INNER_PRODUCT}, and
 * {@code 1 - cos} for {@link #COSINE}. One ordering everywhere lets shards and nodes merge results
 * without knowing the metric.
 */
public enum Metric {
    L2(1, "l2"),
    INNER_PRODUCT(2, "inner_product"),
    COSINE(3, "cosine");

    private final int code;
    private final String label;

    Metric(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** Stable code used in file headers; never reuse a value. */
    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    public static Metric fromCode(int code) {
        for (Metric m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric code " + code);
    }

    /** Accepts {@code l2}, {@code ip} / {@code inner_product} / {@code dot} and {@code cosine}, any case. */
    public static Metric parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "l2", "euclidean" -> L2;
            case "ip", "inner_product", "dot" -> INNER_PRODUCT;
            case "cosine", "angular" -> COSINE;
            default -> throw new IllegalArgumentException(
                    "unknown metric '" + text + "': expected l2, inner_product or cosine");
        };
    }
}
