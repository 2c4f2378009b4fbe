package org.vxdb.cli.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.vxdb.cli.CliException;
import org.vxdb.coordinator.config.CoordinatorConfig;
import org.vxdb.service.config.HostAndPort;
import org.vxdb.service.config.TlsSettings;
import picocli.CommandLine.Option;

/**
 * How a client command reaches a running cluster: the coordinator's gRPC address (and, for
 * {@code status}, its REST address: {@link #restTarget}), TLS and the API key, as docs/security.md describes for every
 * client. Given {@code --config coordinator.yaml}, the addresses and the CA come from that file.
 */
public final class ClientOptions {

    public static final String TARGET_DEFAULT = "127.0.0.1:7100";
    public static final String REST_DEFAULT = "127.0.0.1:7110";
    public static final String API_KEY_ENV = "VXDB_API_KEY";

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "The coordinator's gRPC address (default: the --config file's grpc.listen, else "
                    + TARGET_DEFAULT + ")")
    String target;

    @Option(names = "--config", paramLabel = "FILE", description = "The coordinator's config (coordinator.yaml)")
    Path config;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Connect with TLS, trusting this CA (PEM); default with --config: its tls.ca_file")
    Path tlsCa;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key of a secured cluster (default: the " + API_KEY_ENV + " environment variable)")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "A file holding the API key")
    Path apiKeyFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline of each call in seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    private CoordinatorConfig loaded;

    /** The gRPC address to dial, wildcard hosts as loopback. */
    public String grpcTarget() {
        if (target != null) {
            return target;
        }
        CoordinatorConfig c = coordinatorConfig();
        return c == null ? TARGET_DEFAULT : reachable(c.server().grpc().listen());
    }

    /** The REST address to call: {@code rest} when given, else from the config or the default. */
    public String restTarget(String rest) {
        if (rest != null) {
            return rest;
        }
        CoordinatorConfig c = coordinatorConfig();
        if (c == null) {
            return REST_DEFAULT;
        }
        HostAndPort r = c.protocols().restListen();
        if (r == null) {
            throw new CliException(config + " turns the REST listener off (rest.listen: off); status needs it");
        }
        return reachable(r);
    }

    /** The CA file to trust, or null for plaintext. */
    public Path caFile() {
        if (tlsCa != null) {
            if (!Files.isReadable(tlsCa)) {
                throw new CliException("--tls-ca " + tlsCa + ": no such file");
            }
            return tlsCa;
        }
        CoordinatorConfig c = coordinatorConfig();
        TlsSettings tls = c == null ? null : c.server().tls();
        return tls == null ? null : tls.caFile();
    }

    /** The API key, or null when none is given. */
    public String apiKey() {
        if (apiKey != null) {
            return apiKey.strip();
        }
        if (apiKeyFile != null) {
            try {
                return Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException("--api-key-file " + apiKeyFile + ": cannot read it (" + e.getMessage() + ")");
            }
        }
        String env = System.getenv(API_KEY_ENV);
        return env == null || env.isBlank() ? null : env.strip();
    }

    public Duration timeout() {
        if (timeoutSeconds < 1) {
            throw new CliException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        return Duration.ofSeconds(timeoutSeconds);
    }

    private CoordinatorConfig coordinatorConfig() {
        if (config == null) {
            return null;
        }
        if (loaded == null) {
            if (!Files.isRegularFile(config)) {
                throw new CliException("--config " + config + ": no such file");
            }
            loaded = CoordinatorConfig.load(config);
        }
        return loaded;
    }

    /** HOST:PORT as a client reaches a listen address: wildcard hosts become loopback. */
    public static String reachable(HostAndPort listen) {
        String host = switch (listen.host()) {
            case "", "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> listen.host();
        };
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + listen.port();
    }
}
