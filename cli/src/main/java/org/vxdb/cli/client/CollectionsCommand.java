package org.vxdb.cli.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CollectionStats;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.ListCollectionsRequest;
import org.vxdb.api.v1.MetadataIndexKind;
import org.vxdb.api.v1.MetadataIndexSpec;
import org.vxdb.api.v1.MetadataIndexStats;
import org.vxdb.api.v1.Metric;
import org.vxdb.cli.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vxdb collections list|describe|create|drop}: the CollectionService of a running cluster. */
@Command(name = "collections", mixinStandardHelpOptions = true,
        description = "List, describe, create and drop collections of a running cluster",
        subcommands = {CollectionsCommand.ListCollections.class, CollectionsCommand.Describe.class,
            CollectionsCommand.Create.class, CollectionsCommand.Drop.class})
public final class CollectionsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "collections needs a subcommand: list, describe, create or drop");
    }

    /** The metric as the command line spells it. */
    static String metricName(Metric m) {
        return switch (m) {
            case L2 -> "l2";
            case INNER_PRODUCT -> "ip";
            case COSINE -> "cosine";
            default -> m.name().toLowerCase(Locale.ROOT);
        };
    }

    static Metric parseMetric(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "l2" -> Metric.L2;
            case "ip", "inner_product" -> Metric.INNER_PRODUCT;
            case "cosine" -> Metric.COSINE;
            default -> throw new CliException("--metric '" + text + "' is invalid: use l2, ip or cosine");
        };
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per collection: name, dimension, metric, index, vectors")
    static final class ListCollections implements Runnable {
        @Mixin
        ClientOptions client;
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            try (Connection c = Connection.open(client)) {
                List<CollectionInfo> all = c.collections().listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList();
                if (all.isEmpty()) {
                    out.println("no collections");
                    out.flush();
                    return;
                }
                out.printf("%-24s %6s %-7s %-16s %12s%n", "NAME", "DIM", "METRIC", "INDEX", "VECTORS");
                for (CollectionInfo i : all) {
                    CollectionSpec s = i.getSpec();
                    out.printf("%-24s %6d %-7s %-16s %12d%n", s.getName(), s.getDimension(),
                            metricName(s.getMetric()), s.getIndex(), i.getStats().getVectorCount());
                }
                out.flush();
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "A collection's settings and figures")
    static final class Describe implements Runnable {
        @Mixin
        ClientOptions client;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The collection")
        String name;

        @Override
        public void run() {
            try (Connection c = Connection.open(client)) {
                print(spec.commandLine().getOut(), c.describe(name));
            }
        }
    }

    static void print(PrintWriter out, CollectionInfo info) {
        CollectionSpec s = info.getSpec();
        CollectionStats st = info.getStats();
        out.println("name:            " + s.getName());
        out.println("dimension:       " + s.getDimension());
        out.println("metric:          " + metricName(s.getMetric()));
        out.println("index:           " + s.getIndex());
        out.println("shards:          " + s.getShardCount());
        out.println("vectors:         " + st.getVectorCount());
        out.println("segments:        " + st.getSegmentCount());
        out.println("buffered rows:   " + st.getBufferedRows());
        out.println("indexed rows:    " + st.getIndexedRows());
        List<String> indexes = new ArrayList<>();
        for (MetadataIndexSpec m : s.getMetadataIndexesList()) {
            indexes.add(m.getField() + ":" + kindName(m.getKind()));
        }
        out.println("metadata indexes: " + (indexes.isEmpty() ? "none" : String.join(", ", indexes)));
        for (MetadataIndexStats m : st.getMetadataIndexesList()) {
            out.println("  " + m.getIndex().getField() + ":" + kindName(m.getIndex().getKind()) + " "
                    + m.getSegmentsIndexed() + "/" + m.getSegments() + " segments, " + m.getBytes() + " bytes");
        }
        out.flush();
    }

    private static String kindName(MetadataIndexKind k) {
        return k == MetadataIndexKind.METADATA_INDEX_ORDERED ? "ordered" : "inverted";
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a collection")
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "1-64 of [A-Za-z0-9_-], starting with a letter")
        String name;
        @Option(names = "--dim", required = true, paramLabel = "D", description = "Vector dimension, 1..65536")
        int dimension;
        @Option(names = "--metric", required = true, paramLabel = "l2|ip|cosine", description = "Distance metric")
        String metric;
        @Option(names = "--index", defaultValue = "Flat", paramLabel = "FACTORY",
                description = "Index factory string: Flat, IVF,Flat, IVF1024,SQ8, HNSW32 (default: ${DEFAULT-VALUE})")
        String index;
        @Option(names = "--metadata-index", paramLabel = "FIELD[:inverted|ordered]",
                description = "Index a metadata field (repeatable; default kind inverted)")
        List<String> metadataIndexes = new ArrayList<>();

        @Override
        public void run() {
            if (dimension < 1) {
                throw new CliException("--dim must be at least 1, got " + dimension);
            }
            CollectionSpec.Builder s = CollectionSpec.newBuilder().setName(name).setDimension(dimension)
                    .setMetric(parseMetric(metric)).setIndex(index);
            for (String m : metadataIndexes) {
                s.addMetadataIndexes(metadataIndex(m));
            }
            try (Connection c = Connection.open(client)) {
                CollectionInfo info = c.collections().createCollection(
                        CreateCollectionRequest.newBuilder().setSpec(s).build()).getCollection();
                PrintWriter out = spec.commandLine().getOut();
                out.println("created collection " + info.getSpec().getName() + " (dimension "
                        + info.getSpec().getDimension() + ", " + metricName(info.getSpec().getMetric()) + ", index "
                        + info.getSpec().getIndex() + ")");
                out.flush();
            }
        }

        private static MetadataIndexSpec metadataIndex(String text) {
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String kind = colon < 0 ? "inverted" : text.substring(colon + 1);
            MetadataIndexKind k = switch (kind) {
                case "inverted" -> MetadataIndexKind.METADATA_INDEX_INVERTED;
                case "ordered" -> MetadataIndexKind.METADATA_INDEX_ORDERED;
                default -> throw new CliException("--metadata-index '" + text
                        + "': the kind must be inverted or ordered");
            };
            return MetadataIndexSpec.newBuilder().setField(field).setKind(k).build();
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a collection and all its vectors")
    static final class Drop implements Runnable {
        @Mixin
        ClientOptions client;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The collection")
        String name;

        @Override
        public void run() {
            try (Connection c = Connection.open(client)) {
                c.describe(name); // an unknown name is an error, not a silent no-op
                c.collections().dropCollection(DropCollectionRequest.newBuilder().setName(name).build());
                spec.commandLine().getOut().println("dropped collection " + name);
                spec.commandLine().getOut().flush();
            }
        }
    }
}
