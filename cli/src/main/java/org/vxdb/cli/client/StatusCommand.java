package org.vxdb.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vxdb.cli.CliException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vxdb status}: the cluster at a glance from the coordinator's ClusterStatus operation
 * ({@code GET /v1/cluster}, what the dashboard shows): each node's state, its circuit breaker,
 * vectors, native memory against the budget, free disk and ranges. Exits 0 when every node is
 * ready and every breaker closed, {@value #DEGRADED} otherwise.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Cluster health at a glance: nodes ready or down, breakers, vectors, memory")
public final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    /** Exit code when a node is not ready or a breaker is not closed. */
    public static final int DEGRADED = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Mixin
    ClientOptions client;
    @Spec
    CommandSpec spec;
    @Option(names = "--rest", paramLabel = "HOST:PORT",
            description = "The coordinator's REST address (default: the --config file's rest.listen, else "
                    + ClientOptions.REST_DEFAULT + ")")
    String rest;

    @Override
    public Integer call() {
        JsonNode cluster = fetch();
        return print(spec.commandLine().getOut(), cluster);
    }

    private JsonNode fetch() {
        String target = client.restTarget(rest);
        Connection.HostPort.parse("--rest", target);
        Path ca = client.caFile();
        URI uri = URI.create((ca == null ? "http://" : "https://") + target + "/v1/cluster");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(client.timeout());
        if (ca != null) {
            b.sslContext(trusting(ca));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(client.timeout()).GET();
        String key = client.apiKey();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try (HttpClient http = b.build()) {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                JsonNode error = body.path("error");
                throw new CliException(error.path("message").asString("HTTP " + r.statusCode() + " from " + uri));
            }
            return body;
        } catch (ConnectException e) {
            throw new CliException("the cluster is unavailable: cannot connect to " + uri);
        } catch (IOException e) {
            throw new CliException("cannot read " + uri + ": " + e.getMessage());
        } catch (JacksonException e) {
            throw new CliException(uri + " did not answer JSON: " + e.getOriginalMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** Prints the cluster report {@code c} (the JSON of GET /v1/cluster); returns the exit code. */
    public static int print(PrintWriter out, JsonNode c) {
        int ready = 0;
        int open = 0;
        long vectors = 0;
        JsonNode nodes = c.path("nodes");
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-12s %-10s %-10s %12s  %-22s %-10s %s", "NODE", "STATE", "BREAKER", "VECTORS",
                "NATIVE MEMORY", "DISK FREE", "RANGES (P primary, R replica)"));
        for (JsonNode n : nodes) {
            String state = n.path("state").asString("");
            String breaker = n.path("breaker").asString("");
            ready += state.equals("ready") ? 1 : 0;
            open += breaker.equals("closed") ? 0 : 1;
            JsonNode s = n.path("status");
            String memory = "-";
            String disk = "-";
            String nodeVectors = "-";
            if (s.isObject()) {
                long v = s.path("vectors").asLong(0);
                vectors += v;
                nodeVectors = Long.toString(v);
                memory = human(s.path("native_memory_used").asLong()) + " / "
                        + human(s.path("native_memory_limit").asLong());
                long free = 0;
                for (JsonNode d : s.path("data_dirs")) {
                    free += d.path("usable_bytes").asLong();
                }
                disk = human(free);
            }
            String reason = n.path("reason").asString("");
            String stateText = state + (reason.isEmpty() ? "" : " (" + reason + ")");
            lines.add(String.format("%-12s %-10s %-10s %12s  %-22s %-10s %s", n.path("id").asString(), state, breaker,
                    nodeVectors, memory, disk, ranges(n)));
            if (!state.equals("ready")) {
                lines.add("  " + n.path("id").asString() + ": " + stateText);
            }
        }
        int total = nodes.size();
        boolean healthy = ready == total && open == 0;
        out.printf("Cluster %s (version %s): %d clusters, RF %d; %d of %d nodes ready, %d breakers not closed,"
                        + " %d vectors over all replicas: %s%n",
                c.path("coordinator_id").asString(), c.path("version").asString(), c.path("total_clusters").asInt(),
                c.path("replication_factor").asInt(), ready, total, open, vectors, healthy ? "healthy" : "DEGRADED");
        lines.forEach(out::println);
        out.flush();
        return healthy ? 0 : DEGRADED;
    }

    private static String ranges(JsonNode n) {
        List<String> parts = new ArrayList<>();
        n.path("primary_ranges").forEach(r -> parts.add("P " + r.asString()));
        n.path("replica_ranges").forEach(r -> parts.add("R " + r.asString()));
        return String.join(", ", parts);
    }

    static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A TLS context trusting only the certificates of the PEM file {@code ca}. */
    static SSLContext trusting(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new CliException("--tls-ca " + ca + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("--tls-ca " + ca + ": " + e.getMessage());
        }
    }
}
