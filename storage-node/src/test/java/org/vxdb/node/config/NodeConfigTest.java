package org.vxdb.node.config;

import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.NearestName;
import org.vxdb.service.config.ConfigException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;
import static org.vxdb.service.config.ConfigTesting.assertServerDefaults;
import static org.vxdb.service.config.ConfigTesting.repoFile;
import static org.vxdb.service.config.ConfigTesting.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vxdb.index.Metric;
import org.vxdb.storage.engine.CollectionConfig;
import org.vxdb.storage.engine.EngineConfig;
import org.vxdb.storage.wal.FsyncPolicy;
import org.vxdb.storage.wal.WalConfig;

class NodeConfigTest {

    private static final Path BASE = Path.of("/srv/vxdb");
    private static final String REQUIRED = """
            node_id: n1
            storage:
              data_dirs: /data/a
            """;
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    @TempDir
    Path tmp;

    // ---- defaults

    @Test
    void shouldFillEveryOptionalFieldWithItsDefault() {
        NodeConfig config = parse(REQUIRED);
        assertEquals("n1", config.nodeId());
        assertServerDefaults(config);
        assertEquals(List.of(Path.of("/data/a")), config.dataDirs());
        assertEquals(EngineConfig.NATIVE_MEMORY_BUDGET_DEFAULT, config.nativeMemoryBudget());
        assertEquals(EngineConfig.WAL_MAX_FILE_BYTES_DEFAULT, config.walMaxFileBytes());
        assertEquals(EngineConfig.WAL_MAX_RECORD_BYTES_DEFAULT, config.walMaxRecordBytes());
        assertEquals(CPUS, config.indexThreads());
        assertEquals(Duration.ofSeconds(1), config.indexQuietPeriod());
        assertEquals(Duration.ofSeconds(60), config.indexMaxDeferral());
        assertEquals(CollectionDefaults.defaults(), config.collectionDefaults());
    }

    @Test
    void shouldTakeCollectionDefaultsFromCollectionConfig() {
        CollectionDefaults defaults = CollectionDefaults.defaults();
        assertEquals(CollectionConfig.FSYNC_POLICY_DEFAULT, defaults.fsyncPolicy());
        assertEquals(CollectionConfig.BATCH_WINDOW_DEFAULT, defaults.batchWindow());
        assertEquals(0, defaults.bufferRows());
        assertEquals(CollectionConfig.BUFFER_BYTES_DEFAULT, defaults.bufferBytes());
        assertEquals(CollectionConfig.BUFFER_AGE_DEFAULT, defaults.bufferAge());
        assertEquals(CollectionConfig.of("docs", 768, Metric.L2),
                defaults.collectionConfig("docs", 768, Metric.L2));
    }

    @Test
    void shouldGiveDefaultsWithOneDataDir() {
        NodeConfig config = NodeConfig.defaults(tmp.resolve("data"));
        assertEquals("node-1", config.nodeId());
        assertEquals(List.of(tmp.resolve("data")), config.dataDirs());
        assertEquals(parse(REQUIRED.replace("n1", "node-1").replace("/data/a", tmp.resolve("data").toString())),
                config);
    }

    @Test
    void shouldResolveRelativeDefaultDataDirAgainstWorkingDirectory() {
        NodeConfig config = NodeConfig.defaults(Path.of("data/x"));
        assertEquals(List.of(Path.of("").toAbsolutePath().resolve("data/x")), config.dataDirs());
    }

    // ---- every field

    @Test
    void shouldReadTheTracingSectionUnderTheNodesServiceName() {
        NodeConfig config = parse(REQUIRED + "tracing:\n  endpoint: http://otel-collector:4317\n  sample_ratio: 0.5\n");
        assertEquals(new org.vxdb.service.tracing.TracingSettings(java.net.URI.create("http://otel-collector:4317"),
                0.5, "vxdb-node"), config.tracing());
        assertEquals(false, parse(REQUIRED).tracing().enabled());
    }

    @Test
    void shouldReadEveryField() {
        NodeConfig config = parse("""
                node_id: storage_B-7
                grpc:
                  listen: 0.0.0.0:9100
                  max_message_bytes: 16MiB
                  max_concurrent_requests: 8
                  max_queued_requests: 0
                  max_batch_rows: 500
                  worker_threads: 3
                  default_deadline: 1500ms
                http:
                  listen: "[::1]:9180"
                storage:
                  data_dirs: [/disk0/vxdb, /disk1/vxdb]
                  native_memory_budget: 3GiB
                  wal_max_file_bytes: 32MiB
                  wal_max_record_bytes: 4MiB
                  index_threads: 2
                  index_quiet_period: 250ms
                  index_max_deferral: 2m
                collection_defaults:
                  fsync: always
                  batch_window: 0s
                  buffer_rows: 5000
                  buffer_bytes: 64MB
                  buffer_age: 1h
                shutdown:
                  grace_period: 5s
                logging:
                  level: debug
                """);
        assertEquals("storage_B-7", config.nodeId());
        assertEquals(new HostAndPort("0.0.0.0", 9100), config.grpcListen());
        assertEquals(16 << 20, config.maxMessageBytes());
        assertEquals(8, config.maxConcurrentRequests());
        assertEquals(0, config.maxQueuedRequests());
        assertEquals(500, config.maxBatchRows());
        assertEquals(3, config.grpcWorkerThreads());
        assertEquals(Duration.ofMillis(1500), config.defaultDeadline());
        assertEquals(new HostAndPort("::1", 9180), config.httpListen());
        assertEquals(List.of(Path.of("/disk0/vxdb"), Path.of("/disk1/vxdb")), config.dataDirs());
        assertEquals(3L << 30, config.nativeMemoryBudget());
        assertEquals(32L << 20, config.walMaxFileBytes());
        assertEquals(4 << 20, config.walMaxRecordBytes());
        assertEquals(2, config.indexThreads());
        assertEquals(Duration.ofMillis(250), config.indexQuietPeriod());
        assertEquals(Duration.ofMinutes(2), config.indexMaxDeferral());
        assertEquals(Duration.ofMillis(250), config.engineConfig().indexQuietPeriod());
        assertEquals(Duration.ofMinutes(2), config.engineConfig().indexMaxDeferral());
        assertEquals(new CollectionDefaults(FsyncPolicy.ALWAYS, Duration.ZERO, 5000, 64_000_000L,
                Duration.ofHours(1)), config.collectionDefaults());
        assertEquals(Duration.ofSeconds(5), config.shutdownGrace());
        assertEquals("DEBUG", config.logLevel());
    }

    @Test
    void shouldReadAnEmptySectionAsAllDefaults() {
        NodeConfig config = parse(REQUIRED + "grpc:\nhttp: {}\nlogging:\n  level:\n");
        assertEquals(parse(REQUIRED), config);
    }

    @Test
    void shouldReadLevelAndFsyncInAnyCase() {
        NodeConfig config = parse(REQUIRED + "logging:\n  level: Warn\ncollection_defaults:\n  fsync: NONE\n");
        assertEquals("WARN", config.logLevel());
        assertEquals(FsyncPolicy.NONE, config.collectionDefaults().fsyncPolicy());
    }

    @Test
    void shouldResolveBufferRowsFromTheDimensionWhenZero() {
        CollectionDefaults defaults = CollectionDefaults.defaults();
        assertEquals(CollectionConfig.defaultBufferRows(4096), defaults.bufferRows(4096));
        CollectionDefaults fixed = parse(REQUIRED + "collection_defaults:\n  buffer_rows: 7\n").collectionDefaults();
        assertEquals(7, fixed.bufferRows(4096));
        assertEquals(7, fixed.collectionConfig("docs", 4096, Metric.L2).bufferRows());
    }

    // ---- sizes and durations

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1                | 1
            '\"1\"'          | 1
            1024             | 1024
            100B             | 100
            1KiB             | 1024
            64MiB            | 67108864
            '\"8 MiB\"'      | 8388608
            3GiB             | 3221225472
            2TiB             | 2199023255552
            1KB              | 1000
            5MB              | 5000000
            2GB              | 2000000000
            1TB              | 1000000000000
            """)
    void shouldParseSizesWithBinaryAndDecimalUnits(String yamlValue, long bytes) {
        assertEquals(bytes, parse(REQUIRED.replace("/data/a", "/data/a\n  native_memory_budget: " + yamlValue))
                .nativeMemoryBudget());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0              | 0
            1              | 1
            1000           | 1KB
            1024           | 1KiB
            1536           | 1536
            67108864       | 64MiB
            2000000000     | 2GB
            1073741824     | 1GiB
            16777232       | 16777232
            """)
    void shouldFormatSizesInTheShortestExactForm(long bytes, String text) {
        assertEquals(text, ByteSizeText.format(bytes));
        assertEquals(bytes, ByteSizeText.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            250us    | PT0.00025S
            500ms    | PT0.5S
            2s       | PT2S
            10m      | PT10M
            1h       | PT1H
            7ns      | PT0.000000007S
            5µs      | PT0.000005S
            1500 ms  | PT1.5S
            PT2S     | PT2S
            pt1m30s  | PT1M30S
            """)
    void shouldParseDurationsWithUnitsOrIso8601(String text, String iso) {
        assertEquals(Duration.parse(iso), DurationText.parse(text));
        assertEquals(Duration.parse(iso), parse(REQUIRED + "grpc:\n  default_deadline: " + text + "\n")
                .defaultDeadline());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            PT0S         | 0s
            PT10M        | 10m
            PT1M30S      | 90s
            PT1.5S       | 1500ms
            PT0.00025S   | 250us
            PT2H         | 2h
            """)
    void shouldFormatDurationsInTheLargestExactUnit(String iso, String text) {
        assertEquals(text, DurationText.format(Duration.parse(iso)));
    }

    // ---- paths

    @Test
    void shouldResolveRelativeDataDirsAgainstTheBaseDir() {
        NodeConfig config = parse(REQUIRED.replace("/data/a", "[data/a, ./b/../c, ../up, /abs/./d]"));
        assertEquals(List.of(BASE.resolve("data/a"), BASE.resolve("c"), Path.of("/srv/up"), Path.of("/abs/d")),
                config.dataDirs());
    }

    @Test
    void shouldResolveRelativeDataDirsAgainstTheFilesDirectoryWhenLoaded() throws IOException {
        Path file = write(tmp.resolve("conf/node.yaml"), REQUIRED.replace("/data/a", "../data/node-1"));
        assertEquals(List.of(tmp.resolve("data/node-1")), NodeConfig.load(file).dataDirs());
    }

    // ---- shipped files

    @Test
    void shouldLoadTheExampleWithEveryFieldAtItsDefault() {
        Path example = repoFile("ops/config/node.example.yaml");
        NodeConfig config = NodeConfig.load(example);
        NodeConfig defaults = NodeConfig.defaults(example.getParent().resolve("data/node-1"));
        assertEquals(defaults, config);
        assertEquals(defaults.toString(), config.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void shouldLoadTheLocalNodeConfigsWithDataUnderTheRepository(int node) {
        Path file = repoFile("ops/config/local/node-" + node + ".yaml");
        NodeConfig config = NodeConfig.load(file);
        assertEquals("node-" + node, config.nodeId());
        assertEquals(new HostAndPort("127.0.0.1", 7100 + node), config.grpcListen());
        assertEquals(new HostAndPort("127.0.0.1", 7180 + node), config.httpListen());
        assertEquals(List.of(repoFile("ops").getParent().resolve("data/node-" + node)), config.dataDirs());
    }

    // ---- engine config and test helpers

    @Test
    void shouldCarryStorageSettingsIntoANewEngineConfig() {
        NodeConfig config = parse(REQUIRED.replace("/data/a", tmp.resolve("d0") + "\n  native_memory_budget: 1GiB"
                + "\n  wal_max_file_bytes: 8MiB\n  wal_max_record_bytes: 1MiB"));
        EngineConfig engine = config.engineConfig();
        assertFalse(engine.isConcluded());
        assertEquals(List.of(tmp.resolve("d0")), engine.dataDirs());
        assertEquals(1L << 30, engine.nativeMemoryBudget());
        assertEquals(8L << 20, engine.walMaxFileBytes());
        assertEquals(1 << 20, engine.walMaxRecordBytes());
        engine.conclude();
        assertTrue(Files.isDirectory(tmp.resolve("d0")));
        assertFalse(config.engineConfig().isConcluded());
    }

    @Test
    void shouldReplaceListenAddressesForTests() {
        NodeConfig config = parse(REQUIRED);
        NodeConfig ephemeral = config.withGrpcListen(new HostAndPort("127.0.0.1", 0))
                .withHttpListen(new HostAndPort("localhost", 0));
        assertEquals(new HostAndPort("127.0.0.1", 0), ephemeral.grpcListen());
        assertEquals(new HostAndPort("localhost", 0), ephemeral.httpListen());
        assertEquals(config.maxBatchRows(), ephemeral.maxBatchRows());
        assertEquals(config.dataDirs(), ephemeral.dataDirs());
        assertNotEquals(config, ephemeral);
        assertEquals(new HostAndPort("127.0.0.1", 7100), config.grpcListen());
        assertConfigError("http.listen: 127.0.0.1:7100 is invalid: grpc.listen 127.0.0.1:7100 uses the same port",
                () -> config.withHttpListen(config.grpcListen()));
    }

    // ---- addresses

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:7100      | 127.0.0.1 | 7100
            localhost:0         | localhost | 0
            node-2.vxdb:65535   | node-2.vxdb | 65535
            [::1]:7100          | ::1       | 7100
            [fe80::1%eth0]:80   | fe80::1%eth0 | 80
            """)
    void shouldParseHostAndPort(String text, String host, int port) {
        HostAndPort address = HostAndPort.parse("grpc.listen", text);
        assertEquals(new HostAndPort(host, port), address);
        assertEquals(text, address.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            localhost         | 'localhost' is invalid: use host:port
            host name:1       | 'host name:1' is invalid: use host:port
            host:70000        | 'host:70000' is invalid: the port must be 0-65535
            host:             | 'host:' is invalid: the port must be 0-65535
            host:http         | 'host:http' is invalid: the port must be 0-65535
            host:-1           | 'host:-1' is invalid: the port must be 0-65535
            ::1:7100          | '::1:7100' is invalid: put an IPv6 address in brackets, e.g. [::1]:7100
            :7100             | ':7100' is invalid: the host is missing (0.0.0.0:7100 listens on every interface)
            """)
    void shouldRejectInvalidHostAndPort(String text, String reason) {
        assertConfigError("grpc.listen: " + reason, () -> HostAndPort.parse("grpc.listen", text));
    }

    @Test
    void shouldRejectInvalidHostAndPortComponents() {
        assertThrows(IllegalArgumentException.class, () -> new HostAndPort("", 1));
        assertThrows(IllegalArgumentException.class, () -> new HostAndPort("h", 65536));
    }

    // ---- errors

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                // the messages named in the configuration reference
                invalid(REQUIRED + "grpc:\n  max_batch_rows: 0\n", "grpc.max_batch_rows: 0 is invalid: use 1-100000"),
                invalid("node_id: n1\nstorage:\n  data_dirs: []\n",
                        "storage.data_dirs: at least one data directory is required"),
                invalid("node_id: n1\n", "storage.data_dirs: at least one data directory is required"),
                invalid(REQUIRED + "collection_defaults:\n  fsync: sometimes\n",
                        "collection_defaults.fsync: 'sometimes' is invalid: use always, batch or none"),
                invalid(REQUIRED + "grpc:\n  listen: localhost\n", "grpc.listen: 'localhost' is invalid: use host:port"),
                invalid("storage:\n  data_dirs: /d\n", "node_id: required"),
                invalid(REQUIRED + "grpc:\n  max_concurent_requests: 10\n",
                        "grpc.max_concurent_requests: unknown field (did you mean grpc.max_concurrent_requests?)"),
                invalid(REQUIRED + "collection_defaults:\n  batch_window: 0s\n",
                        "collection_defaults.batch_window: 0s is invalid: fsync batch needs a positive window"),
                invalid(REQUIRED + "grpc:\n  listen: [a, b]\n", "grpc.listen: expected a string, got a list"),
                // document shape
                invalid("- a\n- b\n", "expected a mapping of settings at the top level, got a list"),
                invalid("just text\n", "expected a mapping of settings at the top level, got a string"),
                invalid("", "node_id: required"),
                invalid(REQUIRED + "grpc: 7100\n", "grpc: expected a mapping, got an integer"),
                invalid(REQUIRED + "grcp:\n  listen: a:1\n", "grcp: unknown field (did you mean grpc?)"),
                invalid("nodeId: n1\n", "nodeId: unknown field (did you mean node_id?)"),
                invalid(REQUIRED + "grpc:\n  maxBatchRows: 5\n",
                        "grpc.maxBatchRows: unknown field (did you mean grpc.max_batch_rows?)"),
                invalid(REQUIRED + "grpc:\n  tls: true\n", "grpc.tls: unknown field (use listen, max_message_bytes,"
                        + " max_concurrent_requests, max_queued_requests, max_batch_rows, worker_threads,"
                        + " default_deadline)"),
                invalid(REQUIRED + "grpc:\n  listen: 127.0.0.1:7180\n",
                        "http.listen: 127.0.0.1:7180 is invalid: grpc.listen 127.0.0.1:7180 uses the same port"),
                invalid(REQUIRED + "grpc:\n  listen: 0.0.0.0:7180\n",
                        "http.listen: 127.0.0.1:7180 is invalid: grpc.listen 0.0.0.0:7180 uses the same port"),
                // node_id
                invalid("node_id: a b\n", "node_id: 'a b' is invalid: use 1-64 letters, digits, '_' or '-'"),
                invalid("node_id: " + "n".repeat(65) + "\n",
                        "node_id: '" + "n".repeat(65) + "' is invalid: use 1-64 letters, digits, '_' or '-'"),
                invalid("node_id: 7\n", "node_id: expected a string, got an integer"),
                // grpc
                invalid(REQUIRED + "grpc:\n  listen: 7100\n", "grpc.listen: expected a string, got an integer"),
                invalid(REQUIRED + "grpc:\n  max_message_bytes: 2GiB\n",
                        "grpc.max_message_bytes: 2GiB is invalid: use 1KiB-1GiB"),
                invalid(REQUIRED + "grpc:\n  max_message_bytes: 512\n",
                        "grpc.max_message_bytes: 512 is invalid: use 1KiB-1GiB"),
                invalid(REQUIRED + "grpc:\n  max_message_bytes: 64mb\n",
                        "grpc.max_message_bytes: '64mb' is invalid: " + ByteSizeText.EXPECTED),
                invalid(REQUIRED + "grpc:\n  max_message_bytes: 1.5\n",
                        "grpc.max_message_bytes: expected a size (e.g. 64MiB), got a decimal number"),
                invalid(REQUIRED + "grpc:\n  max_message_bytes: 99999999999TiB\n",
                        "grpc.max_message_bytes: '99999999999TiB' is invalid: too large"),
                invalid(REQUIRED + "grpc:\n  max_concurrent_requests: 0\n",
                        "grpc.max_concurrent_requests: 0 is invalid: use 1-10000"),
                invalid(REQUIRED + "grpc:\n  max_queued_requests: -1\n",
                        "grpc.max_queued_requests: -1 is invalid: use 0-100000"),
                invalid(REQUIRED + "grpc:\n  max_batch_rows: \"100\"\n",
                        "grpc.max_batch_rows: expected an integer, got a string"),
                invalid(REQUIRED + "grpc:\n  max_batch_rows: 1e4\n",
                        "grpc.max_batch_rows: expected an integer, got a decimal number"),
                invalid(REQUIRED + "grpc:\n  max_batch_rows: 99999999999999999999\n",
                        "grpc.max_batch_rows: 99999999999999999999 is invalid: use 1-100000"),
                invalid(REQUIRED + "grpc:\n  worker_threads: 2000\n", "grpc.worker_threads: 2000 is invalid: use 0-1024"),
                invalid(REQUIRED + "grpc:\n  default_deadline: 60\n",
                        "grpc.default_deadline: 60 is invalid: give a unit, e.g. 60s"),
                invalid(REQUIRED + "grpc:\n  default_deadline: 2 sec\n",
                        "grpc.default_deadline: '2 sec' is invalid: " + DurationText.EXPECTED),
                invalid(REQUIRED + "grpc:\n  default_deadline: 0s\n",
                        "grpc.default_deadline: 0s is invalid: use a positive duration up to 24h"),
                invalid(REQUIRED + "grpc:\n  default_deadline: PT-1S\n",
                        "grpc.default_deadline: -1s is invalid: use a positive duration up to 24h"),
                invalid(REQUIRED + "grpc:\n  default_deadline: {s: 1}\n",
                        "grpc.default_deadline: expected a duration (e.g. 2s), got a mapping"),
                // storage
                invalid("node_id: n1\nstorage:\n  data_dirs: [/d, /x/../d]\n",
                        "storage.data_dirs[1]: /d is listed twice (also storage.data_dirs[0])"),
                invalid("node_id: n1\nstorage:\n  data_dirs: [/d, 1]\n",
                        "storage.data_dirs[1]: expected a string, got an integer"),
                invalid("node_id: n1\nstorage:\n  data_dirs: [\"\"]\n",
                        "storage.data_dirs[0]: '' is invalid: use a directory path"),
                invalid("node_id: n1\nstorage:\n  data_dirs: ~/vxdb\n", "storage.data_dirs: '~/vxdb' is invalid:"
                        + " '~' is not expanded; use an absolute path or one relative to the config file"),
                invalid("node_id: n1\nstorage:\n  data_dirs: {a: b}\n",
                        "storage.data_dirs: expected a string, got a mapping"),
                invalid(REQUIRED + "  native_memory_budget: 0\n",
                        "storage.native_memory_budget: 0 is invalid: use at least 1"),
                invalid(REQUIRED + "  wal_max_record_bytes: 65MiB\n",
                        "storage.wal_max_record_bytes: 65MiB is invalid: use 1-64MiB"),
                invalid(REQUIRED + "  wal_max_file_bytes: 1MiB\n", "storage.wal_max_file_bytes: 1MiB is invalid:"
                        + " use at least 16777232 to hold one record of storage.wal_max_record_bytes"),
                invalid(REQUIRED + "  index_threads: -1\n", "storage.index_threads: -1 is invalid: use 0-1024"),
                invalid(REQUIRED + "  index_quiet_period: 2h\n",
                        "storage.index_quiet_period: 2h is invalid: use 0s-1h"),
                invalid(REQUIRED + "  index_max_deferral: 61m\n",
                        "storage.index_max_deferral: 61m is invalid: use 0s-1h"),
                invalid(REQUIRED + "  index_quiet_period: soon\n", "storage.index_quiet_period: 'soon' is invalid:"
                        + " use a whole number with h, m, s, ms, us or ns (e.g. 500ms, 2s, 10m) or ISO-8601 (PT2S)"),
                // collection_defaults
                invalid(REQUIRED + "collection_defaults:\n  batch_window: 2m\n",
                        "collection_defaults.batch_window: 2m is invalid: use 0s-1m"),
                invalid(REQUIRED + "collection_defaults:\n  buffer_rows: -1\n",
                        "collection_defaults.buffer_rows: -1 is invalid: use 0-2147483647"),
                invalid(REQUIRED + "collection_defaults:\n  buffer_bytes: 0\n",
                        "collection_defaults.buffer_bytes: 0 is invalid: use at least 1"),
                invalid(REQUIRED + "collection_defaults:\n  buffer_age: 0s\n",
                        "collection_defaults.buffer_age: 0s is invalid: use a positive duration"),
                invalid(REQUIRED + "collection_defaults:\n  fsync: true\n",
                        "collection_defaults.fsync: expected a string, got a boolean"),
                // shutdown and logging
                invalid(REQUIRED + "shutdown:\n  grace_period: 2h\n", "shutdown.grace_period: 2h is invalid: use 0s-1h"),
                invalid(REQUIRED + "logging:\n  level: verbose\n",
                        "logging.level: 'verbose' is invalid: use trace, debug, info, warn or error"));
    }

    private static Arguments invalid(String yaml, String message) {
        return Arguments.of(yaml, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidConfigs")
    void shouldRejectInvalidConfigNamingTheFieldAndTheReason(String yaml, String message) {
        assertConfigError(message, () -> parse(yaml));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            grpc      | grpc    | 0
            grcp      | grpc    | 1
            listn     | listen  | 1
            kitten    | sitting | 3
            """)
    void shouldCountASwapOfNeighboursAsOneEdit(String a, String b, int distance) {
        assertEquals(distance, NearestName.distance(a, b));
    }

    @Test
    void shouldAcceptBatchWindowZeroWithFsyncAlwaysOrNone() {
        String yaml = REQUIRED + "collection_defaults:\n  fsync: none\n  batch_window: 0ms\n";
        assertEquals(Duration.ZERO, parse(yaml).collectionDefaults().batchWindow());
        assertEquals(WalConfig.MAX_BATCH_WINDOW,
                parse(REQUIRED + "collection_defaults:\n  batch_window: 1m\n").collectionDefaults().batchWindow());
    }

    @Test
    void shouldReportYamlSyntaxErrorsWithLineAndColumn() {
        assertConfigError("line 3, column 12: mapping values are not allowed here",
                () -> parse("node_id: n1\ngrpc:\n  listen: a: b\n"));
        assertConfigError("line 1, column 21: found unexpected end of stream (while scanning a quoted scalar)",
                () -> parse("node_id: \"unfinished"));
        assertConfigError("line 3, column 1: found character '\\t(TAB)' that cannot start any token."
                        + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)",
                () -> parse("node_id: n1\ngrpc:\n\tlisten: a:1\n"));
    }

    @Test
    void shouldRejectAFieldGivenTwice() {
        assertConfigError("grpc.listen: given twice (again at line 6)",
                () -> parse(REQUIRED + "grpc:\n  listen: a:1\n  listen: a:2\n"));
    }

    @Test
    void shouldRejectASecondDocument() {
        assertConfigError("line 5, column 1: only one YAML document is allowed",
                () -> parse(REQUIRED + "---\nnode_id: n2\n"));
    }

    @Test
    void shouldPrefixErrorsWithTheFileWhenLoaded() throws IOException {
        Path file = write(tmp.resolve("node.yaml"), REQUIRED + "grpc:\n  max_batch_rows: 0\n");
        assertConfigError(file + ": grpc.max_batch_rows: 0 is invalid: use 1-100000", () -> NodeConfig.load(file));
        Path broken = write(tmp.resolve("broken.yaml"), "node_id: [\n");
        ConfigException e = assertThrows(ConfigException.class, () -> NodeConfig.load(broken));
        assertTrue(e.getMessage().startsWith(broken + ": line 2, column 1: "), e.getMessage());
    }

    @Test
    void shouldNameAMissingOrUnreadableFile() throws IOException {
        Path missing = tmp.resolve("missing.yaml");
        assertConfigError(missing + ": no such file", () -> NodeConfig.load(missing));
        Path latin1 = tmp.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'n', 'o', 'd', 'e', '_', 'i', 'd', ':', ' ', (byte) 0xE9});
        assertConfigError(latin1 + ": not UTF-8 text", () -> NodeConfig.load(latin1));
    }

    // ---- helpers

    private static NodeConfig parse(String yaml) {
        return NodeConfig.parse(yaml, BASE);
    }
}
