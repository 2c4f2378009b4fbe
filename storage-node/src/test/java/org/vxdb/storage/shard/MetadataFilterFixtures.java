package org.vxdb.storage.shard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataCodec;
import org.vxdb.storage.metaindex.MetadataIndexSpec;

/** Rows with typed, partly missing, partly mixed-type metadata, and filters over every operator. */
final class MetadataFilterFixtures {

    static final List<MetadataIndexSpec> SPECS = List.of(
            MetadataIndexSpec.inverted("bucket"), MetadataIndexSpec.inverted("parity"),
            MetadataIndexSpec.ordered("id"), MetadataIndexSpec.ordered("score"), MetadataIndexSpec.inverted("flag"),
            MetadataIndexSpec.inverted("tag"), MetadataIndexSpec.inverted("mixed"), MetadataIndexSpec.ordered("mixed"));

    private MetadataFilterFixtures() {
    }

    /** Metadata of {@code id} written at {@code version}: "free" is never indexed, "tag" only on every 7th id. */
    static Metadata metadata(long id, long version) {
        List<Object> kv = new ArrayList<>(List.of("bucket", id % 100,
                "parity", (id + version) % 2 == 0 ? "even" : "odd",
                "id", id, "score", (id % 1000) / 10.0 + version, "flag", id % 3 == 0, "free", (id * 7 + version) % 10));
        kv.add("mixed");
        kv.add(switch ((int) (id % 3)) {
            case 0 -> (Object) (id % 10);
            case 1 -> (Object) ((id % 10) + 0.0);
            default -> "s" + id % 10;
        });
        if (id % 7 == 0) {
            kv.add("tag");
            kv.add("t" + id % 5);
        }
        return Metadata.of(kv.toArray());
    }

    static ShardWrite upsert(long id, long version, int dim) {
        return ShardWrite.upsert(id, version, ShardFixtures.vector(id * 31 + version, dim),
                MetadataCodec.encode(metadata(id, version)));
    }

    /** One filter per operator and combination, indexed fields, the unindexed field, and both mixed. */
    static List<Filter> filters() {
        return List.of(
                Filter.eq("parity", "odd"),
                Filter.eq("bucket", 42),
                Filter.eq("bucket", 42.0),
                Filter.eq("bucket", 42.5),
                Filter.eq("flag", true),
                Filter.eq("tag", "t3"),
                Filter.eq("mixed", 3),
                Filter.eq("mixed", 4.0),
                Filter.eq("mixed", "s5"),
                Filter.eq("id", 1234),
                Filter.eq("free", 4),
                Filter.eq("nofield", 1),
                Filter.in("bucket", 1, 2, 3),
                Filter.in("parity", "odd", "nope"),
                Filter.range("id", 100.0, true, 300.0, false),
                Filter.range("score", null, false, 20.0, true),
                Filter.range("bucket", 10.0, false, 12.0, true),
                Filter.range("mixed", 2.0, true, 4.0, true),
                Filter.range("id", 2290.0, true, null, false),
                Filter.and(Filter.eq("parity", "odd"), Filter.between("id", 100, 160)),
                Filter.and(Filter.eq("free", 3), Filter.eq("bucket", 13)),
                Filter.or(Filter.eq("bucket", 1), Filter.eq("free", 9)),
                Filter.or(Filter.eq("tag", "t1"), Filter.range("score", 90.0, true, null, false)),
                Filter.not(Filter.eq("parity", "even")),
                Filter.not(Filter.eq("tag", "t1")),
                Filter.not(Filter.and(Filter.eq("flag", true), Filter.range("id", 500.0, true, 1500.0, true))),
                Filter.and(Filter.not(Filter.in("bucket", 1, 2)), Filter.or(Filter.eq("flag", false),
                        Filter.eq("tag", "t2")), Filter.range("free", 2.0, true, 6.0, true)));
    }

    /** A live row as the test tracks it. */
    record Row(float[] vector, Metadata metadata) {
    }

    static Row row(long id, long version, int dim) {
        return new Row(ShardFixtures.vector(id * 31 + version, dim), metadata(id, version));
    }

    /** Exact filtered top-k (ties by lower id). */
    static List<Long> bruteForce(Map<Long, Row> live, float[] q, int k, Filter filter) {
        return live.entrySet().stream()
                .filter(e -> filter.matches(e.getValue().metadata()))
                .sorted(Comparator.comparingDouble(
                                (Map.Entry<Long, Row> e) -> ShardFixtures.l2(q, e.getValue().vector()))
                        .thenComparingLong(Map.Entry::getKey))
                .limit(k).map(Map.Entry::getKey).toList();
    }

    static long matching(Map<Long, Row> live, Filter filter) {
        return live.values().stream().filter(r -> filter.matches(r.metadata())).count();
    }
}
