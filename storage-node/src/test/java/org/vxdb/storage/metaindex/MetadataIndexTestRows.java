package org.vxdb.storage.metaindex;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;

/** Random rows of typed metadata and random filters over them, for the index and evaluator tests. */
final class MetadataIndexTestRows implements FilterEvaluator.RowSource {

    static final List<MetadataIndexSpec> SPECS = List.of(MetadataIndexSpec.inverted("s"),
            MetadataIndexSpec.inverted("n"),
            MetadataIndexSpec.ordered("n"), MetadataIndexSpec.ordered("x"), MetadataIndexSpec.inverted("b"),
            MetadataIndexSpec.inverted("m"));

    private final List<MemorySegment> rows = new ArrayList<>();
    private MetadataIndexSet indexes;

    /**
     * Fields: s (one of 6 strings), n (long 0..49, missing on 1 row in 10), x (double), b (bool), m (long,
     * double or string), u (never indexed).
     */
    MetadataIndexTestRows(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            List<Object> kv = new ArrayList<>(List.of("s", "v" + rnd.nextInt(6), "x", rnd.nextInt(-500, 500) / 10.0,
                    "b", rnd.nextBoolean(), "u", (long) rnd.nextInt(5)));
            if (rnd.nextInt(10) != 0) {
                kv.add("n");
                kv.add((long) rnd.nextInt(50));
            }
            kv.add("m");
            kv.add(switch (rnd.nextInt(3)) {
                case 0 -> (Object) (long) rnd.nextInt(4);
                case 1 -> (Object) (double) rnd.nextInt(4);
                default -> "m" + rnd.nextInt(4);
            });
            rows.add(MemorySegment.ofArray(MetadataCodec.encode(Metadata.of(kv.toArray()))));
        }
    }

    MetadataIndexTestRows withIndexes(MetadataIndexSet set) {
        this.indexes = set;
        return this;
    }

    @Override
    public int rows() {
        return rows.size();
    }

    @Override
    public MetadataIndexSet indexes() {
        return indexes;
    }

    @Override
    public MemorySegment metadata(int row) {
        return rows.get(row);
    }

    /** A random filter tree of at most {@code depth} levels. */
    static Filter randomFilter(SplittableRandom rnd, int depth) {
        int pick = rnd.nextInt(depth <= 0 ? 6 : 9);
        return switch (pick) {
            case 0 -> Filter.eq("s", "v" + rnd.nextInt(7));
            case 1 -> Filter.eq("n", rnd.nextBoolean() ? (Object) (long) rnd.nextInt(55)
                    : (Object) (double) rnd.nextInt(55));
            case 2 -> Filter.range(rnd.nextBoolean() ? "x" : "n",
                    rnd.nextBoolean() ? null : (double) rnd.nextInt(-60, 60),
                    rnd.nextBoolean(), (double) rnd.nextInt(-10, 60), rnd.nextBoolean());
            case 3 -> Filter.eq("b", rnd.nextBoolean());
            case 4 -> Filter.eq(rnd.nextBoolean() ? "m" : "u", switch (rnd.nextInt(3)) {
                case 0 -> (Object) (long) rnd.nextInt(4);
                case 1 -> (Object) (double) rnd.nextInt(4);
                default -> "m" + rnd.nextInt(4);
            });
            case 5 -> Filter.in("s", "v" + rnd.nextInt(6), "v" + rnd.nextInt(6), "zz");
            case 6 -> Filter.and(randomFilter(rnd, depth - 1), randomFilter(rnd, depth - 1));
            case 7 -> Filter.or(randomFilter(rnd, depth - 1), randomFilter(rnd, depth - 1),
                    randomFilter(rnd, depth - 1));
            default -> Filter.not(randomFilter(rnd, depth - 1));
        };
    }
}
