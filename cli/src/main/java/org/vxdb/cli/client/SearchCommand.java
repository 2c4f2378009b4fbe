package org.vxdb.cli.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.GetRequest;
import org.vxdb.api.v1.GetResponse;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Value;
import org.vxdb.cli.CliException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vxdb search}: the k nearest vectors to one given inline or by the id of a stored vector. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search a collection: the k nearest to a vector given inline or by id")
public final class SearchCommand implements Runnable {

    @Mixin
    ClientOptions client;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "COLLECTION", description = "The collection")
    String collection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Query query;

    static final class Query {
        @Option(names = "--vector", paramLabel = "X,Y,...", description = "The query vector, comma separated")
        String vector;
        @Option(names = "--id", paramLabel = "ID", description = "Use the stored vector of this id as the query")
        String id;
    }

    @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Hits to return (default: ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--filter", paramLabel = "JSON",
            description = "Metadata filter as in the REST API, e.g. {\"eq\":{\"field\":\"lang\",\"value\":\"en\"}}")
    String filter;
    @Option(names = "--nprobe", defaultValue = "0", description = "IVF lists to probe (default: the collection's)")
    int nprobe;
    @Option(names = "--ef", defaultValue = "0", description = "HNSW beam width (default: the collection's)")
    int ef;
    @Option(names = "--metadata", description = "Print each hit's metadata")
    boolean metadata;

    @Override
    public void run() {
        if (k < 1 || k > 10_000) {
            throw new CliException("-k must be 1..10000, got " + k);
        }
        try (Connection c = Connection.open(client)) {
            CollectionInfo info = c.describe(collection);
            List<Float> q = query.vector != null ? parseVector(query.vector) : storedVector(c, parseId(query.id));
            int dim = info.getSpec().getDimension();
            if (q.size() != dim) {
                throw new CliException("--vector has " + q.size() + " values, collection '" + collection
                        + "' has dimension " + dim);
            }
            SearchRequest.Builder r = SearchRequest.newBuilder().setCollection(collection).addAllQuery(q).setK(k)
                    .setIncludeMetadata(metadata)
                    .setParams(SearchParams.newBuilder().setNprobe(nprobe).setEfSearch(ef));
            if (filter != null) {
                r.setFilter(FilterJson.parse(filter));
            }
            print(spec.commandLine().getOut(), c.vectors().search(r.build()));
        }
    }

    private List<Float> storedVector(Connection c, long id) {
        GetResponse got = c.vectors().get(GetRequest.newBuilder().setCollection(collection).addIds(id)
                .setIncludeVectors(true).build());
        if (got.getVectorsCount() == 0) {
            throw new CliException("collection '" + collection + "' has no vector with id "
                    + Long.toUnsignedString(id));
        }
        return got.getVectors(0).getValuesList();
    }

    private void print(PrintWriter out, SearchResponse response) {
        if (response.getPartial()) {
            out.println("partial: ranges " + String.join(", ", response.getUnavailableRangesList())
                    + " did not answer");
        }
        if (response.getHitsCount() == 0) {
            out.println("no hits");
        } else {
            out.printf("%4s  %-20s %s%n", "RANK", "ID", "DISTANCE");
        }
        int rank = 1;
        for (SearchHit h : response.getHitsList()) {
            String line = String.format("%4d  %-20s %.6g", rank++, Long.toUnsignedString(h.getId()), h.getDistance());
            if (metadata && h.getMetadataCount() > 0) {
                line += "  " + metadataText(h.getMetadataMap());
            }
            out.println(line);
        }
        out.flush();
    }

    static String metadataText(Map<String, Value> m) {
        List<String> parts = new ArrayList<>();
        m.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Value v = e.getValue();
            String text = switch (v.getKindCase()) {
                case STRING_VALUE -> "\"" + v.getStringValue() + "\"";
                case INT_VALUE -> Long.toString(v.getIntValue());
                case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                default -> "null";
            };
            parts.add(e.getKey() + "=" + text);
        });
        return String.join(" ", parts);
    }

    static List<Float> parseVector(String text) {
        String body = text.strip();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        List<Float> values = new ArrayList<>();
        for (String part : body.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                float f = Float.parseFloat(part);
                if (!Float.isFinite(f)) {
                    throw new NumberFormatException();
                }
                values.add(f);
            } catch (NumberFormatException e) {
                throw new CliException("--vector: '" + part + "' is not a finite number");
            }
        }
        if (values.isEmpty()) {
            throw new CliException("--vector is empty");
        }
        return values;
    }

    static long parseId(String text) {
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new CliException("--id '" + text + "' is not an unsigned 64-bit integer");
        }
    }
}
