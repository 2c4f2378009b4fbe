package org.vxdb.service.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vxdb.service.config.ConfigTesting;

/**
 * docs/tuning.md quotes figures; it must not invent any. Every number in it appears, written the
 * same way, in the measurements (docs/performance.md, docs/perf/) or in the reference pages it cites
 * for settings (storage-shard.md, wal-format.md, configuration.md, api.md, native-bridge.md, the
 * local cluster's node config).
 */
class TuningGuideTest {

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.,])\\d+(?:,\\d{3})*(?:\\.\\d+)?");
    private static final List<String> CITED = List.of("docs/performance.md", "docs/storage-shard.md",
            "docs/wal-format.md", "docs/configuration.md", "docs/api.md", "docs/native-bridge.md",
            "ops/config/local/node-1.yaml");

    private static String sources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String f : CITED) {
            all.append(Files.readString(ConfigTesting.repoFile(f))).append('\n');
        }
        try (Stream<Path> perf = Files.list(ConfigTesting.repoFile("docs/perf"))) {
            for (Path f : perf.filter(p -> p.toString().matches(".*\\.(md|txt|json|jsonl)$")).sorted().toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }

    @Test
    void shouldQuoteOnlyFiguresFoundInThePagesItCites() throws IOException {
        String guide = Files.readString(ConfigTesting.repoFile("docs/tuning.md"));
        String sources = sources();
        Set<String> unsourced = new TreeSet<>();
        Matcher m = NUMBER.matcher(guide);
        int numbers = 0;
        while (m.find()) {
            numbers++;
            if (!sources.contains(m.group())) {
                unsourced.add(m.group());
            }
        }
        assertTrue(numbers > 100, "the guide quotes figures: " + numbers);
        assertEquals(Set.of(), unsourced, "numbers in docs/tuning.md found in none of " + CITED + " or docs/perf/");
    }

    @Test
    void shouldSayWhereNothingWasMeasured() throws IOException {
        String guide = Files.readString(ConfigTesting.repoFile("docs/tuning.md"));
        for (String topic : List.of("HNSW", "SQ8", "grpc.worker_threads", "nlist sweep")) {
            assertTrue(guide.lines().anyMatch(l -> l.contains(topic)), topic);
        }
        assertTrue(guide.contains("**Not measured**") && guide.contains("No nlist sweep has been measured"), guide);
    }
}
