package org.vxdb.storage.metaindex;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.roaringbitmap.BatchIterator;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.RoaringBitmapWriter;
import org.vxdb.storage.filter.Filter;

/**
 * Evaluates a {@link Filter} over the rows of one segment or memory buffer with its metadata
 * indexes: {@code eq}, {@code in} and {@code range} are index lookups, {@code and}, {@code or} and
 * {@code not} bitmap operations. A condition on a field without a usable index is checked by
 * reading the metadata of the rows it still concerns: all rows under an {@code or} or {@code not},
 * only the candidates the indexed conditions left under an {@code and}. The result is exactly the
 * rows {@link Filter#matches} accepts (dead rows included; the shard removes those).
 */
public final class FilterEvaluator {

    /** Rows read to estimate how selective a condition without an index is. */
    static final int SAMPLE_ROWS = 64;

    /** A segment or memory buffer: rows {@code [0, rows())}, their metadata and indexes (null: none). */
    public interface RowSource {
        int rows();

        MetadataIndexSet indexes();

        MemorySegment metadata(int row);
    }

    private FilterEvaluator() {
    }

    /** The local rows of {@code source} that {@code filter} matches; the caller must not modify the bitmap. */
    public static RoaringBitmap evaluate(Filter filter, RowSource source) {
        return switch (filter) {
            case Filter.Eq eq -> {
                RoaringBitmap r = lookup(eq, source.indexes());
                yield r != null ? r : scan(filter, source, null);
            }
            case Filter.Range range -> {
                RoaringBitmap r = lookup(range, source.indexes());
                yield r != null ? r : scan(filter, source, null);
            }
            case Filter.And and -> and(and, source);
            case Filter.Or or -> {
                List<RoaringBitmap> parts = new ArrayList<>(or.parts().size());
                for (Filter p : or.parts()) {
                    parts.add(evaluate(p, source));
                }
                yield parts.size() == 1 ? parts.getFirst() : FastAggregation.or(parts.iterator());
            }
            case Filter.Not not -> RoaringBitmap.andNot(all(source), evaluate(not.part(), source));
        };
    }

    /**
     * Sets bit {@code base + row} of {@code bits} for every local row of {@code source} that
     * {@code filter} matches (what {@link #evaluate} returns). A range on an ordered index sets its
     * rows straight from the index's value-sorted rows, without building a bitmap.
     */
    public static void evaluateInto(Filter filter, RowSource source, long[] bits, long base) {
        if (filter instanceof Filter.Range range && source.indexes() != null) {
            FieldIndex ordered = source.indexes().get(range.field(), MetadataIndexKind.ORDERED);
            if (ordered != null && ordered.rangeInto(range, bits, base)) {
                return;
            }
        }
        // In batches: a bitmap container yields its rows by trailing-zero counts, with no call per row.
        BatchIterator it = evaluate(filter, source).getBatchIterator();
        int[] batch = new int[256];
        while (it.hasNext()) {
            int n = it.nextBatch(batch);
            for (int i = 0; i < n; i++) {
                long row = base + batch[i];
                bits[(int) (row >>> 6)] |= 1L << row;
            }
        }
    }

    /** Indexed parts first (smallest estimate first), then the rest checked row by row on what is left. */
    private static RoaringBitmap and(Filter.And and, RowSource source) {
        List<Filter> indexed = new ArrayList<>();
        List<Filter> rest = new ArrayList<>();
        for (Filter p : and.parts()) {
            (answerable(p, source.indexes()) ? indexed : rest).add(p);
        }
        if (indexed.isEmpty()) {
            return scan(and, source, null);
        }
        indexed.sort(Comparator.comparingDouble(p -> estimate(p, source)));
        RoaringBitmap acc = evaluate(indexed.getFirst(), source);
        for (int i = 1; i < indexed.size() && !acc.isEmpty(); i++) {
            acc = RoaringBitmap.and(acc, evaluate(indexed.get(i), source));
        }
        if (rest.isEmpty() || acc.isEmpty()) {
            return acc;
        }
        Filter remaining = rest.size() == 1 ? rest.getFirst() : new Filter.And(rest);
        return scan(remaining, source, acc);
    }

    /** Whether every condition of {@code filter} can be answered from {@code indexes} alone. */
    public static boolean answerable(Filter filter, MetadataIndexSet indexes) {
        if (indexes == null) {
            return false;
        }
        return switch (filter) {
            case Filter.Eq eq -> countLookup(eq, indexes) >= 0;
            case Filter.Range range -> countLookup(range, indexes) >= 0;
            case Filter.And and -> and.parts().stream().allMatch(p -> answerable(p, indexes));
            case Filter.Or or -> or.parts().stream().allMatch(p -> answerable(p, indexes));
            case Filter.Not not -> answerable(not.part(), indexes);
        };
    }

    private static RoaringBitmap lookup(Filter.Eq eq, MetadataIndexSet indexes) {
        if (indexes == null) {
            return null;
        }
        FieldIndex inverted = indexes.get(eq.field(), MetadataIndexKind.INVERTED);
        RoaringBitmap r = inverted == null ? null : inverted.eq(eq.value());
        if (r == null) {
            FieldIndex ordered = indexes.get(eq.field(), MetadataIndexKind.ORDERED);
            r = ordered == null ? null : ordered.eq(eq.value());
        }
        return r;
    }

    private static RoaringBitmap lookup(Filter.Range range, MetadataIndexSet indexes) {
        if (indexes == null) {
            return null;
        }
        FieldIndex ordered = indexes.get(range.field(), MetadataIndexKind.ORDERED);
        if (ordered != null) {
            return ordered.range(range);
        }
        FieldIndex inverted = indexes.get(range.field(), MetadataIndexKind.INVERTED);
        return inverted == null ? null : inverted.range(range);
    }

    private static long countLookup(Filter.Eq eq, MetadataIndexSet indexes) {
        FieldIndex inverted = indexes.get(eq.field(), MetadataIndexKind.INVERTED);
        long n = inverted == null ? -1 : inverted.countEq(eq.value());
        if (n < 0) {
            FieldIndex ordered = indexes.get(eq.field(), MetadataIndexKind.ORDERED);
            n = ordered == null ? -1 : ordered.countEq(eq.value());
        }
        return n;
    }

    private static long countLookup(Filter.Range range, MetadataIndexSet indexes) {
        FieldIndex ordered = indexes.get(range.field(), MetadataIndexKind.ORDERED);
        if (ordered != null) {
            return ordered.countRange(range);
        }
        FieldIndex inverted = indexes.get(range.field(), MetadataIndexKind.INVERTED);
        return inverted == null ? -1 : inverted.countRange(range);
    }

    /**
     * Expected matching rows of {@code source}: exact counts for indexed conditions, a sample of
     * {@link #SAMPLE_ROWS} rows for the others, combined as if conditions were independent (an
     * {@code in} adds its values' counts).
     */
    public static double estimate(Filter filter, RowSource source) {
        int rows = source.rows();
        if (rows == 0) {
            return 0;
        }
        return switch (filter) {
            case Filter.Eq eq -> {
                long n = source.indexes() == null ? -1 : countLookup(eq, source.indexes());
                yield n >= 0 ? n : sample(filter, source);
            }
            case Filter.Range range -> {
                long n = source.indexes() == null ? -1 : countLookup(range, source.indexes());
                yield n >= 0 ? n : sample(filter, source);
            }
            case Filter.And and -> {
                double fraction = 1;
                for (Filter p : and.parts()) {
                    fraction *= estimate(p, source) / rows;
                }
                yield rows * fraction;
            }
            case Filter.Or or -> {
                if (sameFieldEqualities(or)) {
                    double sum = 0;
                    for (Filter p : or.parts()) {
                        sum += estimate(p, source);
                    }
                    yield Math.min(rows, sum);
                }
                double none = 1;
                for (Filter p : or.parts()) {
                    none *= 1 - estimate(p, source) / rows;
                }
                yield rows * (1 - none);
            }
            case Filter.Not not -> rows - estimate(not.part(), source);
        };
    }

    /** An {@code in}: equalities on one field, which no row can satisfy twice. */
    private static boolean sameFieldEqualities(Filter.Or or) {
        String field = null;
        for (Filter p : or.parts()) {
            if (!(p instanceof Filter.Eq eq) || (field != null && !field.equals(eq.field()))) {
                return false;
            }
            field = eq.field();
        }
        return true;
    }

    /** Evenly spaced rows read to estimate a condition no index answers. */
    private static double sample(Filter filter, RowSource source) {
        int rows = source.rows();
        int n = Math.min(rows, SAMPLE_ROWS);
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int row = (int) ((long) i * rows / n);
            if (filter.matches(source.metadata(row))) {
                hits++;
            }
        }
        return (double) hits * rows / n;
    }

    /** Rows of {@code candidates} (all rows when null) whose metadata {@code filter} accepts. */
    private static RoaringBitmap scan(Filter filter, RowSource source, RoaringBitmap candidates) {
        RoaringBitmapWriter<RoaringBitmap> out = RoaringBitmapWriter.writer().get();
        if (candidates == null) {
            int rows = source.rows();
            for (int r = 0; r < rows; r++) {
                if (filter.matches(source.metadata(r))) {
                    out.add(r);
                }
            }
        } else {
            IntIterator it = candidates.getIntIterator();
            while (it.hasNext()) {
                int r = it.next();
                if (filter.matches(source.metadata(r))) {
                    out.add(r);
                }
            }
        }
        return out.get();
    }

    private static RoaringBitmap all(RowSource source) {
        return RoaringBitmap.bitmapOfRange(0, source.rows());
    }
}
