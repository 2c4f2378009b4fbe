package org.vxdb.storage.metaindex;

import java.util.Locale;

/** How a metadata field is indexed. */
public enum MetadataIndexKind {

    /**
     * Value to row set (a RoaringBitmap per distinct value) for strings, integers, doubles and
     * booleans: answers {@code eq} and {@code in} directly, and numeric ranges by uniting the
     * values inside the range (cheap when the field has few distinct values).
     */
    INVERTED,

    /**
     * Numeric values sorted with their row numbers, cut into buckets that each keep a row bitmap:
     * answers ranges with two binary searches and numeric {@code eq} as a one-point range.
     */
    ORDERED;

    /** The lower-case name used in configuration files, the REST API and plans. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind called {@code label} (case-insensitive), or IllegalArgumentException naming the choices. */
    public static MetadataIndexKind parse(String label) {
        for (MetadataIndexKind k : values()) {
            if (k.label().equalsIgnoreCase(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("metadata index kind '" + label + "' is unknown: use inverted or ordered");
    }
}
