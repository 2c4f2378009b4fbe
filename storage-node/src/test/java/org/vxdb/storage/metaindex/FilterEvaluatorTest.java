package org.vxdb.storage.metaindex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;
import org.vxdb.storage.filter.Filter;

/** The index evaluation of a filter is exactly the rows {@link Filter#matches} accepts, growing or frozen. */
class FilterEvaluatorTest {

    private static RoaringBitmap byScan(Filter f, MetadataIndexTestRows rows) {
        RoaringBitmap out = new RoaringBitmap();
        for (int r = 0; r < rows.rows(); r++) {
            if (f.matches(rows.metadata(r))) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void shouldEqualTheScanForRandomFiltersOnFrozenGrowingAndMissingIndexes() {
        MetadataIndexTestRows rows = new MetadataIndexTestRows(20_000, 7);
        MetadataIndexSet frozen = MetadataIndexSet.build(MetadataIndexTestRows.SPECS, rows.rows(), rows::metadata);
        MetadataIndexSet growing = MetadataIndexSet.growing(MetadataIndexTestRows.SPECS);
        for (int r = 0; r < rows.rows(); r++) {
            growing.add(r, rows.metadata(r));
        }
        MetadataIndexSet partial = MetadataIndexSet.build(List.of(MetadataIndexSpec.inverted("s")), rows.rows(),
                rows::metadata);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 400; i++) {
            Filter f = MetadataIndexTestRows.randomFilter(rnd, 3);
            RoaringBitmap expected = byScan(f, rows);
            for (MetadataIndexSet set : new MetadataIndexSet[] {frozen, growing, partial, null}) {
                assertEquals(expected, FilterEvaluator.evaluate(f, rows.withIndexes(set)), f + " on " + set);
                assertEquals(expected, into(f, rows.withIndexes(set)), "into a bitset: " + f + " on " + set);
            }
        }
    }

    /** {@link FilterEvaluator#evaluateInto} at an unaligned base (37), read back as local rows. */
    private static RoaringBitmap into(Filter f, FilterEvaluator.RowSource source) {
        long base = 37;
        long[] bits = new long[(int) ((base + source.rows() + 63) >>> 6) + 1];
        bits[0] = 1L << 3; // a row of an earlier part stays set and is not reported
        FilterEvaluator.evaluateInto(f, source, bits, base);
        assertEquals(1L << 3, bits[0] & 0x1f_ffff_ffffL, "rows below the base untouched");
        RoaringBitmap out = new RoaringBitmap();
        for (long row = base; row < base + source.rows(); row++) {
            if ((bits[(int) (row >>> 6)] & (1L << row)) != 0) {
                out.add((int) (row - base));
            }
        }
        for (long row = base + source.rows(); row < (long) bits.length * 64; row++) {
            assertEquals(0, bits[(int) (row >>> 6)] & (1L << row), "nothing set past the part");
        }
        return out;
    }

    @Test
    void shouldCountIndexedConditionsExactlyWhenEstimating() {
        MetadataIndexTestRows rows = new MetadataIndexTestRows(5_000, 3);
        rows.withIndexes(MetadataIndexSet.build(MetadataIndexTestRows.SPECS, rows.rows(), rows::metadata));
        for (Filter f : List.of(Filter.eq("s", "v2"), Filter.eq("n", 7), Filter.eq("n", 7.0),
                Filter.in("s", "v1", "v3"),
                Filter.range("x", -5.0, true, 12.5, false), Filter.range("n", 10.0, false, 20.0, true),
                Filter.not(Filter.eq("b", true)), Filter.eq("m", 2))) {
            assertEquals(byScan(f, rows).getCardinality(), FilterEvaluator.estimate(f, rows), 1e-9, f.toString());
        }
    }

    @Test
    void shouldScanIntegersBeyondTwoToThe53RatherThanConfuseThemAsDoubles() {
        List<MemorySegment> rows = List.of(encode(Long.MIN_VALUE), encode(Long.MIN_VALUE + 1), encode(1L << 53),
                encode((1L << 53) + 1), encode(9.007199254740992E15), encode(-9.223372036854775808E18));
        for (MetadataIndexSpec spec : List.of(MetadataIndexSpec.inverted("v"), MetadataIndexSpec.ordered("v"))) {
            MetadataIndexSet set = MetadataIndexSet.build(List.of(spec), rows.size(), rows::get);
            FilterEvaluator.RowSource source = new FilterEvaluator.RowSource() {
                @Override
                public int rows() {
                    return rows.size();
                }

                @Override
                public MetadataIndexSet indexes() {
                    return set;
                }

                @Override
                public MemorySegment metadata(int row) {
                    return rows.get(row);
                }
            };
            for (Object v : List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, 1L << 53, (1L << 53) + 1,
                    9.007199254740992E15, -9.223372036854775808E18)) {
                Filter f = Filter.eq("v", v);
                RoaringBitmap expected = new RoaringBitmap();
                for (int r = 0; r < rows.size(); r++) {
                    if (f.matches(rows.get(r))) {
                        expected.add(r);
                    }
                }
                assertEquals(expected, FilterEvaluator.evaluate(f, source), spec + " " + f);
            }
        }
    }

    private static MemorySegment encode(Object v) {
        return MemorySegment.ofArray(org.vxdb.storage.meta.MetadataCodec.encode(
                org.vxdb.storage.meta.Metadata.of("v", v)));
    }

    @Test
    void shouldTellWhetherTheIndexesAnswerAFilterAlone() {
        MetadataIndexSet set = MetadataIndexSet.build(List.of(MetadataIndexSpec.inverted("s"),
                MetadataIndexSpec.ordered("x")), 0, r -> null);
        assertTrue(FilterEvaluator.answerable(Filter.and(Filter.eq("s", "a"), Filter.between("x", 1, 2)), set));
        assertTrue(FilterEvaluator.answerable(Filter.eq("x", 2.5), set), "numeric eq as a one-point range");
        assertFalse(FilterEvaluator.answerable(Filter.eq("x", "two"), set), "a string on an ordered index");
        assertFalse(FilterEvaluator.answerable(Filter.or(Filter.eq("s", "a"), Filter.eq("u", 1)), set));
        assertFalse(FilterEvaluator.answerable(Filter.eq("s", "a"), null));
    }
}
