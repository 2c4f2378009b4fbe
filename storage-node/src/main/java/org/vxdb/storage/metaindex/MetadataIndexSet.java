package org.vxdb.storage.metaindex;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vxdb.storage.meta.MetadataCodec.MetadataReader;

/**
 * The metadata indexes of one segment or memory buffer: one {@link FieldIndex} per declared
 * (field, kind), over local rows {@code [0, n)}. A growing set (the memory buffer) is appended to
 * by the shard's writer under its write lock and read by searches under its read lock; a frozen
 * set (a sealed segment) is immutable and may be shared.
 */
public final class MetadataIndexSet {

    /** Reads the encoded metadata of local row {@code row}. */
    @FunctionalInterface
    public interface RowMetadata {
        MemorySegment metadata(int row);
    }

    private final Map<MetadataIndexSpec, FieldIndex> fields;
    private final long rows;
    private boolean frozen;
    /** Per distinct field name: its UTF-8 bytes and the indexes on it, for {@link #add}. */
    private List<NamedField> named = List.of();

    private record NamedField(byte[] name, List<FieldIndex> indexes) {
    }

    private MetadataIndexSet(Map<MetadataIndexSpec, FieldIndex> fields, long rows, boolean frozen) {
        this.fields = fields;
        this.rows = rows;
        this.frozen = frozen;
        rebuildNames();
    }

    /** An empty, growing set for a memory buffer. */
    public static MetadataIndexSet growing(List<MetadataIndexSpec> specs) {
        Map<MetadataIndexSpec, FieldIndex> fields = new LinkedHashMap<>();
        for (MetadataIndexSpec s : specs) {
            fields.put(s, newIndex(s));
        }
        return new MetadataIndexSet(fields, -1, false);
    }

    /** A frozen set over {@code rows} rows, built by reading every row's metadata once. */
    public static MetadataIndexSet build(List<MetadataIndexSpec> specs, int rows, RowMetadata metadata) {
        MetadataIndexSet set = growing(specs);
        for (int r = 0; r < rows; r++) {
            set.add(r, metadata.metadata(r));
        }
        return set.freeze(rows);
    }

    /** A frozen set from indexes read from a file. */
    static MetadataIndexSet frozen(Map<MetadataIndexSpec, FieldIndex> fields, long rows) {
        return new MetadataIndexSet(new LinkedHashMap<>(fields), rows, true);
    }

    private static FieldIndex newIndex(MetadataIndexSpec s) {
        return switch (s.kind()) {
            case INVERTED -> new InvertedFieldIndex(s);
            case ORDERED -> new OrderedFieldIndex(s);
        };
    }

    private void rebuildNames() {
        Map<String, NamedField> byName = new LinkedHashMap<>();
        for (FieldIndex f : fields.values()) {
            String field = f.spec().field();
            byName.computeIfAbsent(field, n -> new NamedField(n.getBytes(StandardCharsets.UTF_8), new ArrayList<>()))
                    .indexes().add(f);
        }
        named = List.copyOf(byName.values());
    }

    /** Indexes local row {@code row} (rows are added in increasing order); empty metadata adds nothing. */
    public void add(int row, MemorySegment encoded) {
        if (frozen) {
            throw new IllegalStateException("metadata indexes of a sealed segment are frozen");
        }
        if (named.isEmpty() || encoded == null || encoded.byteSize() == 0) {
            return;
        }
        MetadataReader r = new MetadataReader(encoded);
        while (r.next()) {
            for (NamedField n : named) {
                if (r.nameEquals(n.name())) {
                    for (FieldIndex f : n.indexes()) {
                        f.add(row, r);
                    }
                }
            }
        }
    }

    /**
     * Adds an index on a new field to a growing set, reading rows {@code [0, rows)} once (the
     * caller holds the writer's lock, so no row is appended meanwhile).
     */
    public void addField(MetadataIndexSpec spec, int rowCount, RowMetadata metadata) {
        if (frozen) {
            throw new IllegalStateException("metadata indexes of a sealed segment are frozen");
        }
        if (fields.containsKey(spec)) {
            return;
        }
        FieldIndex growing = newIndex(spec);
        MetadataIndexSet one = new MetadataIndexSet(new LinkedHashMap<>(Map.of(spec, growing)), -1, false);
        for (int r = 0; r < rowCount; r++) {
            one.add(r, metadata.metadata(r));
        }
        fields.put(spec, growing);
        rebuildNames();
    }

    /** Freezes this growing set as the indexes of a segment of {@code rowCount} rows, and returns it. */
    public MetadataIndexSet freeze(int rowCount) {
        for (FieldIndex f : fields.values()) {
            f.freeze();
        }
        frozen = true;
        return new MetadataIndexSet(fields, rowCount, true);
    }

    /** A frozen set with the indexes of both (this one's win on a shared spec). */
    public MetadataIndexSet with(MetadataIndexSet other) {
        if (!frozen || !other.frozen || rows != other.rows) {
            throw new IllegalArgumentException("only frozen sets over the same rows can be merged");
        }
        Map<MetadataIndexSpec, FieldIndex> merged = new LinkedHashMap<>(other.fields);
        merged.putAll(fields);
        return new MetadataIndexSet(merged, rows, true);
    }

    /** The index of {@code field} of that kind, or null. */
    FieldIndex get(String field, MetadataIndexKind kind) {
        return fields.get(new MetadataIndexSpec(field, kind));
    }

    /** The inverted index of {@code field}, else its ordered one, else null. */
    FieldIndex any(String field) {
        FieldIndex f = get(field, MetadataIndexKind.INVERTED);
        return f != null ? f : get(field, MetadataIndexKind.ORDERED);
    }

    public boolean has(MetadataIndexSpec spec) {
        return fields.containsKey(spec);
    }

    /** Whether every spec of {@code specs} has an index here. */
    public boolean covers(Collection<MetadataIndexSpec> specs) {
        return fields.keySet().containsAll(specs);
    }

    public List<MetadataIndexSpec> specs() {
        return List.copyOf(fields.keySet());
    }

    /** Rows of a frozen set (its segment's row count); -1 for a growing one. */
    public long rows() {
        return rows;
    }

    public boolean isFrozen() {
        return frozen;
    }

    Collection<FieldIndex> indexes() {
        return fields.values();
    }

    /** Heap bytes of each index. */
    public Map<MetadataIndexSpec, Long> bytesBySpec() {
        Map<MetadataIndexSpec, Long> out = new LinkedHashMap<>();
        fields.forEach((s, f) -> out.put(s, f.bytes()));
        return out;
    }

    /** Heap bytes of all indexes. */
    public long bytes() {
        long n = 0;
        for (FieldIndex f : fields.values()) {
            n += f.bytes();
        }
        return n;
    }
}
