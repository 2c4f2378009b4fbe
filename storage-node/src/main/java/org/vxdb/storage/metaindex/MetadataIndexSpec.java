package org.vxdb.storage.metaindex;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vxdb.storage.meta.MetadataCodec;

/**
 * One metadata index a collection declares: a field name and how it is indexed. A field may have
 * both kinds; the same field and kind twice is an error.
 */
public record MetadataIndexSpec(String field, MetadataIndexKind kind) {

    /** Metadata indexes one collection may declare. */
    public static final int MAX_PER_COLLECTION = 64;

    public MetadataIndexSpec {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("metadata index field name must be non-empty");
        }
        int bytes = field.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MetadataCodec.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("metadata index field name is " + bytes + " bytes; at most "
                    + MetadataCodec.MAX_NAME_BYTES);
        }
        if (kind == null) {
            throw new IllegalArgumentException("metadata index on field '" + field + "' needs a kind"
                    + " (inverted or ordered)");
        }
    }

    public static MetadataIndexSpec inverted(String field) {
        return new MetadataIndexSpec(field, MetadataIndexKind.INVERTED);
    }

    public static MetadataIndexSpec ordered(String field) {
        return new MetadataIndexSpec(field, MetadataIndexKind.ORDERED);
    }

    /** Checks a collection's list: no duplicates, at most {@link #MAX_PER_COLLECTION}; returns an immutable copy. */
    public static List<MetadataIndexSpec> checkList(List<MetadataIndexSpec> specs) {
        if (specs == null) {
            throw new IllegalArgumentException("metadata index list is null (use an empty list for none)");
        }
        if (specs.size() > MAX_PER_COLLECTION) {
            throw new IllegalArgumentException(specs.size() + " metadata indexes declared; at most "
                    + MAX_PER_COLLECTION);
        }
        Set<MetadataIndexSpec> seen = new HashSet<>();
        for (MetadataIndexSpec s : specs) {
            if (s == null) {
                throw new IllegalArgumentException("metadata index list has a null entry");
            }
            if (!seen.add(s)) {
                throw new IllegalArgumentException("metadata index " + s + " is declared twice");
            }
        }
        return List.copyOf(specs);
    }

    /** {@code kind:field}, e.g. {@code inverted:category}. */
    @Override
    public String toString() {
        return kind.label() + ":" + field;
    }
}
