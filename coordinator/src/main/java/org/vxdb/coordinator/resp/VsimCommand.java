package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;

/**
 * {@code VSIM key (ELE element | FP32 blob | VALUES num v ...) [WITHSCORES] [WITHATTRIBS] [COUNT n]
 * [EPSILON d] [EF n] [FILTER expr] [FILTER-EF n] [TRUTH] [NOTHREAD]}: the elements most similar
 * to a vector or to another element, most similar first. Scores are Redis's similarity
 * {@code 1 - cosine_distance / 2}, 1 for the same direction, 0 for the opposite one.
 *
 * <p>Replies as Redis does: element names; with WITHSCORES / WITHATTRIBS in RESP2 a flat array
 * (element, score, attributes), in RESP3 a map from element to its score, its attributes, or both
 * as a two-item array. EF sets the search's ef; FILTER-EF, TRUTH and NOTHREAD are checked and
 * ignored (the core decides how to scan).
 */
final class VsimCommand {

    private static final int DEFAULT_COUNT = 10;

    /** One parsed VSIM. {@code element} is set for ELE, {@code query} otherwise. */
    private record Parsed(String key, byte[] element, List<Float> query, boolean withScores, boolean withAttribs,
                          int count, double epsilon, int ef, Filter filter) {
    }

    CommandSpec spec() {
        return CommandSpec.named("vsim", -4).key().group("vectorset").since("8.0.0")
                .doc("VSIM key (ELE | FP32 | VALUES num) (vector | element) [WITHSCORES] [WITHATTRIBS] [COUNT num]"
                        + " [EPSILON delta] [EF search-exploration-factor] [FILTER expression]"
                        + " [FILTER-EF max-filtering-effort] [TRUTH] [NOTHREAD]",
                        "Returns the elements most similar to a vector or an element.").handler(this::run);
    }

    private CompletionStage<Reply> run(Request r) {
        Parsed p = parse(r);
        return VectorSetKeys.describeSet(r, p.key()).thenCompose(info -> {
            if (info == null) {
                return CompletableFuture.completedFuture(Reply.EMPTY_ARRAY);
            }
            return query(r, p).thenCompose(q -> search(r, p, info, q));
        });
    }

    private static Parsed parse(Request r) {
        byte[] element = null;
        List<Float> query = null;
        int i;
        if (r.keyword(2).equals("ELE")) {
            element = r.raw(3);
            i = 4;
        } else {
            VectorSetInput input = VectorSetInput.read(r, 2);
            query = input.values();
            i = 2 + input.consumed();
        }
        boolean withScores = false;
        boolean withAttribs = false;
        int count = DEFAULT_COUNT;
        double epsilon = 2.0;
        int ef = 0;
        Filter filter = null;
        for (; i < r.argc(); i++) {
            String option = r.keyword(i);
            boolean hasValue = i + 1 < r.argc();
            switch (option) {
                case "WITHSCORES" -> withScores = true;
                case "WITHATTRIBS" -> withAttribs = true;
                case "TRUTH", "NOTHREAD" -> {
                    // accepted: see the class comment
                }
                case "COUNT" -> count = (int) valueOf(r, ++i, hasValue, 1, Integer.MAX_VALUE, "invalid COUNT");
                case "EF" -> ef = (int) valueOf(r, ++i, hasValue, 1, 1_000_000, "invalid EF");
                case "FILTER-EF" -> valueOf(r, ++i, hasValue, 1, Long.MAX_VALUE, "invalid FILTER-EF");
                case "EPSILON" -> epsilon = epsilon(r, ++i, hasValue);
                case "FILTER" -> {
                    if (!hasValue) {
                        throw CommandException.err("syntax error in VSIM command");
                    }
                    filter = VectorArgs.filter(r.arg(++i), true);
                }
                default -> throw CommandException.err("syntax error in VSIM command");
            }
        }
        return new Parsed(r.arg(1), element, query, withScores, withAttribs, count, epsilon, ef, filter);
    }

    private static long valueOf(Request r, int i, boolean hasValue, long min, long max, String error) {
        if (!hasValue) {
            throw CommandException.err("syntax error in VSIM command");
        }
        return r.integer(i, min, max, error);
    }

    private static double epsilon(Request r, int i, boolean hasValue) {
        if (!hasValue) {
            throw CommandException.err("syntax error in VSIM command");
        }
        Double d = RespNumbers.parseDouble(r.arg(i));
        if (d == null || !(d > 0)) {
            throw CommandException.err("invalid EPSILON");
        }
        return d;
    }

    /** The query vector: as given, or the stored vector of the ELE element. */
    private static CompletionStage<List<Float>> query(Request r, Parsed p) {
        if (p.query() != null) {
            return CompletableFuture.completedFuture(p.query());
        }
        return VectorSetKeys.row(r, p.key(), VectorSetRows.idOf(p.element()), true).thenApply(row -> {
            if (row == null) {
                throw CommandException.err("element not found in set");
            }
            return row.getValuesList();
        });
    }

    private static CompletionStage<Reply> search(Request r, Parsed p, CollectionInfo info, List<Float> query) {
        VaddCommand.checkDimension(info, query.size());
        SearchRequest.Builder search = SearchRequest.newBuilder().setCollection(p.key()).addAllQuery(query)
                .setK(p.count()).setIncludeMetadata(true)
                .setParams(SearchParams.newBuilder().setEfSearch(p.ef()));
        if (p.filter() != null) {
            search.setFilter(p.filter());
        }
        return r.core().search(r.call(), search.build()).thenApply(response -> reply(r, p, response));
    }

    private static Reply reply(Request r, Parsed p, SearchResponse response) {
        if (response.getPartial()) {
            throw CommandException.err("search incomplete: cluster ranges "
                    + String.join(", ", response.getUnavailableRangesList()) + " did not answer");
        }
        boolean asMap = r.resp3() && (p.withScores() || p.withAttribs());
        List<Reply> items = new ArrayList<>();
        for (SearchHit hit : response.getHitsList()) {
            double distance = hit.getDistance();
            if (distance / 2 > p.epsilon()) {
                break;
            }
            items.add(Reply.bulk(VectorSetRows.elementOf(hit.getId(), hit.getMetadataMap())));
            List<Reply> extras = new ArrayList<>(2);
            if (p.withScores()) {
                extras.add(Reply.dbl((float) Math.max(0.0, Math.min(1.0, 1.0 - distance / 2.0))));
            }
            if (p.withAttribs()) {
                extras.add(Reply.bulkOrNull(VectorSetRows.attributesOf(hit.getMetadataMap())));
            }
            if (asMap && extras.size() == 2) {
                items.add(Reply.array(extras));
            } else {
                items.addAll(extras);
            }
        }
        return asMap ? new Reply.Map(List.copyOf(items)) : Reply.array(items);
    }
}
