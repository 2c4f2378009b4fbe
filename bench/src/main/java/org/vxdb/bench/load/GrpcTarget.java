package org.vxdb.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.api.v1.AddMetadataIndexRequest;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.CollectionServiceGrpc.CollectionServiceBlockingStub;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.CollectionStats;
import org.vxdb.api.v1.CreateCollectionRequest;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.DropCollectionRequest;
import org.vxdb.api.v1.FsyncPolicy;
import org.vxdb.api.v1.SearchHit;
import org.vxdb.api.v1.SearchParams;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.SearchResponse;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import org.vxdb.api.v1.WriteConsistency;
import org.vxdb.api.v1.WriteFailure;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.index.Metric;
import org.vxdb.storage.engine.StorageEngine;
import org.vxdb.storage.meta.Metadata;
import org.vxdb.storage.meta.MetadataValue;
import org.vxdb.storage.metaindex.MetadataIndexKind;
import org.vxdb.storage.metaindex.MetadataIndexSpec;
import org.vxdb.storage.metaindex.MetadataIndexStats;
import org.vxdb.vecs.VectorSet;

/**
 * The {@code node=HOST:PORT} and {@code coordinator=HOST:PORT} targets: the public {@code vxdb.v1}
 * gRPC API, which a storage node and a coordinator both serve. Calls go round-robin over a few
 * channels (each its own HTTP/2 connection) so that many client threads do not queue behind one
 * connection's flow control. Nothing is retried: a failed call is an error the benchmark reports.
 */
public final class GrpcTarget implements Target, FilterTarget {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcTarget.class);
    /** Rows are float32 in native order; on a little-endian machine they are raw_values as they lie. */
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    /** How often {@link #awaitIndexed} asks for the collection's stats. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** Nodes check buffer ages once a second; a buffer seals within this much after it came of age. */
    private static final Duration SEAL_SLACK = Duration.ofSeconds(5);
    /**
     * When some shards may hold fewer rows than the index build threshold, the stats cannot tell
     * "never indexed" from "still building"; then they must stay unchanged this long.
     */
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(30);

    /**
     * How the target talks to the server and what it asks for on create.
     *
     * @param collection   collection name; null: a fresh {@code bench_<hex>} name per target
     * @param shardCount   shards of the collection; 0: the server's default (the coordinator: one per cluster)
     * @param consistency  write consistency (coordinator only); UNSPECIFIED: the server's default (QUORUM)
     * @param fsync        fsync policy of the collection; UNSPECIFIED: the node's configured default
     * @param bufferAge    seal memory buffers this old; null: the node's configured default
     * @param channels     connections, used round-robin
     * @param deadline     deadline of every call
     * @param indexTimeout how long {@link #awaitIndexed} waits for index builds, beyond the buffer age
     * @param tls          TLS credentials ({@link #tlsCredentials}); null: plaintext
     */
    public record Options(String collection, int shardCount, WriteConsistency consistency, FsyncPolicy fsync,
                          Duration bufferAge, int channels, Duration deadline, Duration indexTimeout,
                          ChannelCredentials tls) {

        public static final int CHANNELS_DEFAULT = 4;
        public static final Duration DEADLINE_DEFAULT = Duration.ofSeconds(60);
        public static final Duration INDEX_TIMEOUT_DEFAULT = Duration.ofMinutes(30);

        public Options {
            Objects.requireNonNull(consistency, "consistency");
            Objects.requireNonNull(fsync, "fsync");
            Objects.requireNonNull(deadline, "deadline");
            Objects.requireNonNull(indexTimeout, "indexTimeout");
            if (shardCount < 0) {
                throw new IllegalArgumentException("shards " + shardCount + " is invalid: use 0 (server default) or more");
            }
            if (channels < 1) {
                throw new IllegalArgumentException("channels " + channels + " is invalid: use 1 or more");
            }
            if (!deadline.isPositive()) {
                throw new IllegalArgumentException("deadline " + deadline + " is invalid: use a positive duration");
            }
            if (!indexTimeout.isPositive()) {
                throw new IllegalArgumentException("index timeout " + indexTimeout + " is invalid: use a positive duration");
            }
            if (bufferAge != null && bufferAge.toMillis() < 1) {
                throw new IllegalArgumentException("buffer age " + bufferAge + " is invalid: use 1ms or more");
            }
        }

        /** Server defaults for the collection, {@value #CHANNELS_DEFAULT} channels, 60 s per call. */
        public static Options defaults() {
            return new Options(null, 0, WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED,
                    FsyncPolicy.FSYNC_POLICY_UNSPECIFIED, null, CHANNELS_DEFAULT, DEADLINE_DEFAULT,
                    INDEX_TIMEOUT_DEFAULT, null);
        }

        public Options withCollection(String name) {
            return new Options(name, shardCount, consistency, fsync, bufferAge, channels, deadline, indexTimeout, tls);
        }

        public Options withShardCount(int shards) {
            return new Options(collection, shards, consistency, fsync, bufferAge, channels, deadline,
                    indexTimeout, tls);
        }

        public Options withConsistency(WriteConsistency level) {
            return new Options(collection, shardCount, level, fsync, bufferAge, channels, deadline, indexTimeout, tls);
        }

        public Options withFsync(FsyncPolicy policy) {
            return new Options(collection, shardCount, consistency, policy, bufferAge, channels, deadline,
                    indexTimeout, tls);
        }

        public Options withBufferAge(Duration age) {
            return new Options(collection, shardCount, consistency, fsync, age, channels, deadline, indexTimeout, tls);
        }

        public Options withChannels(int n) {
            return new Options(collection, shardCount, consistency, fsync, bufferAge, n, deadline, indexTimeout, tls);
        }

        public Options withDeadline(Duration perCall) {
            return new Options(collection, shardCount, consistency, fsync, bufferAge, channels, perCall,
                    indexTimeout, tls);
        }

        public Options withIndexTimeout(Duration timeout) {
            return new Options(collection, shardCount, consistency, fsync, bufferAge, channels, deadline, timeout, tls);
        }

        /** Over TLS with {@code credentials} (e.g. from {@link #tlsCredentials}). */
        public Options withTls(ChannelCredentials credentials) {
            return new Options(collection, shardCount, consistency, fsync, bufferAge, channels, deadline,
                    indexTimeout, credentials);
        }

        /**
         * TLS trusting the PEM CA bundle {@code ca}, presenting {@code cert} and {@code key} (PEM, PKCS#8)
         * when given: a secured node takes only clients with a certificate of the cluster CA.
         */
        public static ChannelCredentials tlsCredentials(Path ca, Path cert, Path key) {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
            }
            try {
                TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
                if (cert != null) {
                    b.keyManager(cert.toFile(), key.toFile());
                }
                return b.build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the TLS files " + ca + (cert == null ? "" : ", " + cert
                        + ", " + key) + ": " + e.getMessage(), e);
            }
        }

        /** {@code one}, {@code quorum} or {@code all}, as on a command line. */
        public static WriteConsistency consistency(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "one" -> WriteConsistency.ONE;
                case "quorum" -> WriteConsistency.QUORUM;
                case "all" -> WriteConsistency.ALL;
                default -> throw new IllegalArgumentException("consistency '" + text + "' is invalid: use one, quorum or all");
            };
        }

        /** {@code always}, {@code batch} or {@code none}, as on a command line. */
        public static FsyncPolicy fsync(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "always" -> FsyncPolicy.FSYNC_ALWAYS;
                case "batch" -> FsyncPolicy.FSYNC_BATCH;
                case "none" -> FsyncPolicy.FSYNC_NONE;
                default -> throw new IllegalArgumentException("fsync '" + text + "' is invalid: use always, batch or none");
            };
        }
    }

    private volatile String name;
    private final String kind;
    private final String collection;
    private final Options options;
    private final ManagedChannel[] channels;
    private final CollectionServiceBlockingStub[] collections;
    private final VectorServiceBlockingStub[] vectors;
    private final AtomicInteger nextChannel = new AtomicInteger();
    private volatile Metric metric;
    private volatile boolean created;
    /** The spec {@link #create} used; the path floor's empty collection copies it. */
    private volatile CollectionSpec.Builder spec;
    /** The empty collection of {@link #emptySearch}, once made. */
    private volatile String floorCollection;
    private volatile boolean keep;
    private final WrittenIds written = new WrittenIds();
    /** The metadata of each written row ({@code filter} workload), or null for none. */
    private volatile IntFunction<Metadata> metadataOfRow;

    private volatile double recallTarget;

    @Override
    public void recallTarget(double target) {
        this.recallTarget = target;
    }

    @Override
    public LoadLoop.Operation emptyCall() {
        HealthGrpc.HealthBlockingStub[] health = new HealthGrpc.HealthBlockingStub[channels.length];
        for (int i = 0; i < channels.length; i++) {
            health[i] = HealthGrpc.newBlockingStub(channels[i]);
        }
        HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
        return i -> health[nextIndex()].check(request);
    }

    @Override
    public LoadLoop.Operation emptySearch(float[][] queries, int k, int nprobe) {
        requireCreated();
        if (floorCollection == null) {
            String floor = collection + "_empty";
            try {
                collectionStub().createCollection(CreateCollectionRequest.newBuilder()
                        .setSpec(spec.clone().setName(floor)).build());
            } catch (StatusRuntimeException e) {
                throw failed("CreateCollection '" + floor + "'", e);
            }
            floorCollection = floor;
        }
        SearchRequest[] requests = new SearchRequest[queries.length];
        for (int q = 0; q < queries.length; q++) {
            requests[q] = withParams(searchRequest(floorCollection, queries[q], k), nprobe).build();
        }
        return i -> {
            SearchResponse response = vectorStub().search(requests[(int) (i % requests.length)]);
            if (response.getHitsCount() != 0 || response.getPartial()) {
                throw new IllegalStateException(name + ": the empty collection '" + floorCollection + "' answered "
                        + response.getHitsCount() + " hits" + (response.getPartial() ? ", partially" : ""));
            }
        };
    }

    private GrpcTarget(String name, String host, int port, Options options) {
        this.name = name;
        int eq = name.indexOf('=');
        this.kind = eq > 0 ? name.substring(0, eq) : "grpc";
        this.collection = options.collection() != null ? options.collection() : freshCollectionName();
        this.options = options;
        this.channels = new ManagedChannel[options.channels()];
        this.collections = new CollectionServiceBlockingStub[channels.length];
        this.vectors = new VectorServiceBlockingStub[channels.length];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = options.tls() == null ? ManagedChannelBuilder.forAddress(host, port).usePlaintext().build()
                    : Grpc.newChannelBuilderForAddress(host, port, options.tls()).build();
            collections[i] = CollectionServiceGrpc.newBlockingStub(channels[i]);
            vectors[i] = VectorServiceGrpc.newBlockingStub(channels[i]);
        }
    }

    /**
     * Connects lazily (the first call opens the connections). {@code name} is how the target was
     * given, e.g. {@code node=127.0.0.1:7101}; the part before {@code =} names the kind in
     * {@link #awaitIndexed}'s description.
     */
    public static GrpcTarget connect(String name, String host, int port, Options options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + ": port " + port + " is invalid: use 1-65535");
        }
        return new GrpcTarget(name, host, port, options);
    }

    /** A target from its command-line form, {@code node=HOST:PORT} or {@code coordinator=HOST:PORT}. */
    public static GrpcTarget connect(String spec, Options options) {
        int eq = spec.indexOf('=');
        int colon = spec.lastIndexOf(':');
        if (eq < 1 || colon < eq + 2 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("target '" + spec + "' is invalid: use node=HOST:PORT or"
                    + " coordinator=HOST:PORT");
        }
        String host = spec.substring(eq + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // [::1]
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + spec + "' is invalid: the port is not a number");
        }
        return connect(spec, host, port, options);
    }

    /** The name in reports, e.g. {@code coordinator=tls://127.0.0.1:7300} as the target was given. */
    GrpcTarget named(String shown) {
        this.name = shown;
        return this;
    }

    /**
     * Every call carries {@code authorization: Bearer <apiKey>} (a coordinator without security
     * ignores it); null leaves the calls without credentials.
     */
    GrpcTarget authenticated(String apiKey) {
        if (apiKey != null) {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + apiKey);
            io.grpc.ClientInterceptor attach = io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
            for (int i = 0; i < channels.length; i++) {
                collections[i] = collections[i].withInterceptors(attach);
                vectors[i] = vectors[i].withInterceptors(attach);
            }
        }
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    /** The collection this target creates, writes and drops. */
    public String collection() {
        return collection;
    }

    @Override
    public void create(int dimension, Metric metric, String index, long expectedRows, VectorSet trainingSource) {
        CollectionSpec.Builder spec = CollectionSpec.newBuilder().setName(collection).setDimension(dimension)
                .setMetric(protoMetric(metric)).setIndex(index).setShardCount(options.shardCount())
                .setFsyncPolicy(options.fsync());
        if (options.bufferAge() != null) {
            spec.setBufferAgeMillis(options.bufferAge().toMillis());
        }
        try {
            collectionStub().createCollection(CreateCollectionRequest.newBuilder().setSpec(spec).build());
        } catch (StatusRuntimeException e) {
            throw failed("CreateCollection '" + collection + "'", e);
        }
        this.metric = metric;
        this.spec = spec;
        this.created = true;
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        requireCreated();
        if (from < 0 || to > rows.count() || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") are invalid for a set of "
                    + rows.count());
        }
        WriteRequest.Builder request = WriteRequest.newBuilder().setCollection(collection)
                .setConsistency(options.consistency());
        MemorySegment data = rows.data();
        long rowBytes = (long) rows.dimension() * Float.BYTES;
        for (int r = from; r < to; r++) {
            Vector.Builder v = request.addVectorsBuilder().setId(idOffset + r);
            IntFunction<Metadata> meta = metadataOfRow;
            if (meta != null) {
                putMetadata(v, meta.apply(r));
            }
            MemorySegment row = data.asSlice((long) r * rowBytes, rowBytes);
            if (LITTLE_ENDIAN) {
                v.setRawValues(ByteString.copyFrom(row.asByteBuffer())); // the row's bytes whole
            } else {
                for (float x : row.toArray(ValueLayout.JAVA_FLOAT)) {
                    v.addValues(x);
                }
            }
        }
        WriteResponse response;
        try {
            response = vectorStub().upsert(request.build());
        } catch (StatusRuntimeException e) {
            throw failed("Upsert of rows [" + from + ", " + to + ")", e);
        }
        int count = to - from;
        if (response.getFailuresCount() > 0 || response.getWritten() != count) {
            String first = response.getFailuresCount() == 0 ? "no failure listed"
                    : describe(response.getFailures(0));
            throw new IllegalStateException(name + ": Upsert of rows [" + from + ", " + to + ") wrote "
                    + response.getWritten() + " of " + count + " vectors, " + response.getFailuresCount()
                    + " failed; first: " + first);
        }
        written.add(idOffset + from, idOffset + to);
    }

    /**
     * Waits until no row is buffered in memory and the index covers every sealed row. There is no
     * flush call in the API: nodes seal a buffer once it is {@code buffer_age} old (checked every
     * second), and each shard indexes its sealed rows in the background once it holds at least
     * {@link StorageEngine#INDEX_BUILD_THRESHOLD} of them. The stats are those of the replicas that
     * answer searches: a node's own shards, or, through a coordinator, one replica (the primary
     * while it is up) of each cluster range, so with RF 2 a row counts once.
     *
     * <p>Those replicas must also hold every distinct id this target wrote: a write acknowledged at
     * a level below ALL may still be on its way to them, and one that never arrives would make
     * every later search silently incomplete, so that is an error once the stats have settled.
     */
    @Override
    public String awaitIndexed() {
        requireCreated();
        CollectionInfo info = describeCollection();
        Duration bufferAge = Duration.ofMillis(info.getSpec().getBufferAgeMillis());
        Duration limit = bufferAge.plus(SEAL_SLACK).plus(options.indexTimeout());
        if (bufferAge.compareTo(Duration.ofMinutes(1)) > 0 && info.getStats().getBufferedRows() > 0) {
            LOG.warn("{}: collection '{}' seals its memory buffers after {} (buffer_age); waiting up to that long"
                    + " for the last one", name, collection, bufferAge);
        }
        long expected = written.count();
        long started = System.nanoTime();
        CollectionStats previous = null;
        long unchangedSince = started;
        while (true) {
            CollectionStats stats = info.getStats();
            long now = System.nanoTime();
            if (!stats.equals(previous)) {
                previous = stats;
                unchangedSince = now;
            } else {
                Duration quiet = Duration.ofNanos(now - unchangedSince);
                boolean settled = isComplete(info.getSpec(), stats, quiet);
                if (settled && stats.getVectorCount() >= expected) {
                    return description(info.getSpec(), stats);
                }
                if (stats.getVectorCount() < expected && quiet.compareTo(QUIET_PERIOD) >= 0) {
                    throw new IllegalStateException(name + ": collection '" + collection + "' holds "
                            + stats.getVectorCount() + " vectors on the replicas that answer searches, but "
                            + expected + " distinct ids were written and acknowledged; "
                            + (expected - stats.getVectorCount()) + " are missing and nothing changed for "
                            + quiet.toSeconds() + " s");
                }
            }
            if (now - started > limit.toNanos()) {
                throw new IllegalStateException(name + ": collection '" + collection + "' is not fully indexed after "
                        + Duration.ofNanos(now - started).toSeconds() + " s: " + stats.getBufferedRows()
                        + " rows buffered, " + stats.getIndexedRows() + " of " + stats.getVectorCount()
                        + " rows indexed, " + stats.getSegmentCount() + " segments (" + info.getSpec().getIndex()
                        + "). An index build may still be running or have failed, or the node runs the pure-Java"
                        + " index provider, which builds no index: see the node's log");
            }
            sleep(POLL_INTERVAL);
            info = describeCollection();
        }
    }

    /** Called once the stats were the same in two polls in a row, {@code quiet} long. */
    private static boolean isComplete(CollectionSpec spec, CollectionStats stats, Duration quiet) {
        if (stats.getBufferedRows() > 0) {
            return false;
        }
        if (isExact(spec) || stats.getIndexedRows() >= stats.getVectorCount()) {
            return true;
        }
        long shards = Math.max(1, spec.getShardCount());
        if (shards == 1) {
            return stats.getVectorCount() < StorageEngine.INDEX_BUILD_THRESHOLD;
        }
        // Row counts per shard spread a little around the mean: with twice the threshold on average,
        // every shard is over it and must be indexed; below that some may never be.
        boolean someShardMayStayUnindexed = stats.getVectorCount() / shards < 2 * StorageEngine.INDEX_BUILD_THRESHOLD;
        return someShardMayStayUnindexed && quiet.compareTo(QUIET_PERIOD) >= 0;
    }

    private String description(CollectionSpec spec, CollectionStats stats) {
        int shards = spec.getShardCount();
        String head = kind + ": " + spec.getIndex() + ", " + shards + (shards == 1 ? " shard, " : " shards, ")
                + stats.getVectorCount() + " rows";
        if (isExact(spec)) {
            return head + " (exact scan)";
        }
        if (stats.getIndexedRows() >= stats.getVectorCount()) {
            return head + " indexed";
        }
        return head + ", " + stats.getIndexedRows() + " indexed (shards under "
                + StorageEngine.INDEX_BUILD_THRESHOLD + " rows are scanned exactly)";
    }

    private static boolean isExact(CollectionSpec spec) {
        return spec.getIndex().equals("Flat");
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        requireCreated();
        run(withParams(searchRequest(collection, query, k), nprobe), ids, distances);
    }

    @Override
    public String search(float[] query, int k, BenchFilter filter, long[] ids, float[] distances) {
        requireCreated();
        return run(searchRequest(collection, query, k).setFilter(filter.wire()), ids, distances);
    }

    /** A search of {@code in} for the {@code k} nearest rows of {@code query}. */
    private static SearchRequest.Builder searchRequest(String in, float[] query, int k) {
        SearchRequest.Builder request = SearchRequest.newBuilder().setCollection(in).setK(k);
        for (float f : query) {
            request.addQuery(f);
        }
        return request;
    }

    /** Adds params when an nprobe or this target's recall target asks for them. */
    private SearchRequest.Builder withParams(SearchRequest.Builder request, int nprobe) {
        if (nprobe > 0 || recallTarget > 0) {
            request.setParams(SearchParams.newBuilder().setNprobe(nprobe).setRecallTarget(recallTarget));
        }
        return request;
    }

    /** Sends the search, writes its hits into {@code ids} and {@code distances}, returns its plan. */
    private String run(SearchRequest.Builder request, long[] ids, float[] distances) {
        SearchResponse response;
        try {
            response = vectorStub().search(request.build());
        } catch (StatusRuntimeException e) {
            throw failed("Search", e);
        }
        if (response.getPartial()) {
            throw new IllegalStateException(name + ": Search answered partially; unavailable: "
                    + String.join("; ", response.getUnavailableRangesList()));
        }
        int n = Math.min(response.getHitsCount(), ids.length);
        boolean squaredL2 = metric == Metric.L2;
        for (int i = 0; i < n; i++) {
            SearchHit hit = response.getHits(i);
            ids[i] = hit.getId();
            float d = hit.getDistance();
            distances[i] = squaredL2 ? (float) Math.sqrt(Math.max(0f, d)) : d;
        }
        for (int i = n; i < ids.length; i++) {
            ids[i] = -1;
            distances[i] = Float.NaN;
        }
        return response.getPlan();
    }

    @Override
    public void withMetadata(IntFunction<Metadata> metadata) {
        this.metadataOfRow = metadata;
    }

    @Override
    public void addMetadataIndex(MetadataIndexSpec spec) {
        requireCreated();
        org.vxdb.api.v1.MetadataIndexSpec wire = org.vxdb.api.v1.MetadataIndexSpec.newBuilder().setField(spec.field())
                .setKind(spec.kind() == MetadataIndexKind.ORDERED
                        ? org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_ORDERED
                        : org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_INVERTED).build();
        try {
            collectionStub().addMetadataIndex(AddMetadataIndexRequest.newBuilder().setCollection(collection)
                    .setIndex(wire).build());
        } catch (StatusRuntimeException e) {
            throw failed("AddMetadataIndex " + spec + " on '" + collection + "'", e);
        }
    }

    @Override
    public List<MetadataIndexStats> metadataIndexStats() {
        List<MetadataIndexStats> out = new ArrayList<>();
        for (org.vxdb.api.v1.MetadataIndexStats m : describeCollection().getStats().getMetadataIndexesList()) {
            MetadataIndexKind kind = m.getIndex().getKind() == org.vxdb.api.v1.MetadataIndexKind.METADATA_INDEX_ORDERED
                    ? MetadataIndexKind.ORDERED : MetadataIndexKind.INVERTED;
            out.add(new MetadataIndexStats(new MetadataIndexSpec(m.getIndex().getField(), kind), m.getBytes(),
                    m.getSegmentsIndexed(), m.getSegments()));
        }
        return out;
    }

    /** The public API's form of a row's metadata. */
    private static void putMetadata(Vector.Builder v, Metadata metadata) {
        for (Map.Entry<String, MetadataValue> e : metadata.fields().entrySet()) {
            Value.Builder value = Value.newBuilder();
            switch (e.getValue()) {
                case MetadataValue.Str x -> value.setStringValue(x.value());
                case MetadataValue.Int x -> value.setIntValue(x.value());
                case MetadataValue.Real x -> value.setDoubleValue(x.value());
                case MetadataValue.Bool x -> value.setBoolValue(x.value());
            }
            v.putMetadata(e.getKey(), value.build());
        }
    }

    /**
     * Counts ids {@code [start, end)} as written and acknowledged, by another client of the same
     * collection (a {@link ProtocolTarget} that writes through REST, WebSocket or RESP).
     */
    void noteWritten(long start, long end) {
        written.add(start, end);
    }

    /** Leaves the collection on the server at {@link #close} (to measure a restart with the data in place, say). */
    public GrpcTarget keepCollection() {
        keep = true;
        return this;
    }

    @Override
    public void close() {
        try {
            if (floorCollection != null) {
                drop(floorCollection);
                floorCollection = null;
            }
            if (created && !keep) {
                drop(collection);
                created = false;
            }
        } finally {
            for (ManagedChannel c : channels) {
                c.shutdown();
            }
            for (ManagedChannel c : channels) {
                awaitTermination(c);
            }
        }
    }

    /** Drops a collection this target made, best effort (a failure is logged). */
    private void drop(String name) {
        try {
            collectionStub().dropCollection(DropCollectionRequest.newBuilder().setName(name).build());
        } catch (StatusRuntimeException e) {
            LOG.warn("{}: cannot drop collection '{}': {}", this.name, name, e.getStatus());
        }
    }

    private CollectionInfo describeCollection() {
        try {
            return collectionStub().describeCollection(DescribeCollectionRequest.newBuilder().setName(collection)
                    .build()).getCollection();
        } catch (StatusRuntimeException e) {
            throw failed("DescribeCollection '" + collection + "'", e);
        }
    }

    private int nextIndex() {
        return Math.floorMod(nextChannel.getAndIncrement(), channels.length);
    }

    private CollectionServiceBlockingStub collectionStub() {
        return collections[nextIndex()].withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    private VectorServiceBlockingStub vectorStub() {
        return vectors[nextIndex()].withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void requireCreated() {
        if (!created) {
            throw new IllegalStateException(name + ": create() first");
        }
    }

    private IllegalStateException failed(String call, StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return new IllegalStateException(name + ": " + call + " failed: " + e.getStatus().getCode()
                + (description == null ? "" : ": " + description), e);
    }

    private static String describe(WriteFailure f) {
        return "id " + Long.toUnsignedString(f.getId()) + ": " + f.getReason();
    }

    private static org.vxdb.api.v1.Metric protoMetric(Metric m) {
        return switch (m) {
            case L2 -> org.vxdb.api.v1.Metric.L2;
            case INNER_PRODUCT -> org.vxdb.api.v1.Metric.INNER_PRODUCT;
            case COSINE -> org.vxdb.api.v1.Metric.COSINE;
        };
    }

    private static String freshCollectionName() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "bench_" + HexFormat.of().formatHex(bytes);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the index", e);
        }
    }

    private static void awaitTermination(ManagedChannel c) {
        try {
            if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                c.shutdownNow();
            }
        } catch (InterruptedException e) {
            c.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The distinct ids written so far, as merged {@code [start, end)} ranges: writes cover
     * contiguous rows, so a million rows in batches are a handful of ranges, and rows written twice
     * count once.
     */
    static final class WrittenIds {

        private final TreeMap<Long, Long> ranges = new TreeMap<>();
        private long count;

        synchronized void add(long start, long end) {
            Map.Entry<Long, Long> before = ranges.floorEntry(start);
            if (before != null && before.getValue() >= start) {
                start = before.getKey();
                end = Math.max(end, before.getValue());
                remove(before.getKey());
            }
            Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
            while (next != null && next.getKey() <= end) {
                end = Math.max(end, next.getValue());
                remove(next.getKey());
                next = ranges.ceilingEntry(start);
            }
            ranges.put(start, end);
            count += end - start;
        }

        private void remove(long start) {
            count -= ranges.remove(start) - start;
        }

        synchronized long count() {
            return count;
        }
    }
}
