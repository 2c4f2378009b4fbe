package org.vxdb.service.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vxdb.service.tracing.TracingSettings;

/**
 * The sections every VxDB server's config has beside its own: {@code grpc}, {@code http},
 * {@code tls}, {@code shutdown}, {@code logging} and {@code tracing}. Each is read by its own
 * method so that a server can read its sections in the order its documentation lists them, and so
 * report the first error in that order.
 *
 * @param grpc          the gRPC server
 * @param httpListen    health ({@code /healthz}, {@code /readyz}) and metrics ({@code /metrics})
 * @param shutdownGrace how long in-flight requests may drain on SIGTERM; 0 stops at once
 * @param logLevel      one of {@link #LOGGING_LEVELS}
 * @param tls           TLS on the server's listeners; null when it serves plaintext
 * @param tracing       distributed tracing (OpenTelemetry); null reads as off
 */
public record ServerSettings(GrpcSettings grpc, HostAndPort httpListen, Duration shutdownGrace, String logLevel,
                             TlsSettings tls, TracingSettings tracing) {

    public static final HostAndPort HTTP_LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7180);
    public static final Duration SHUTDOWN_GRACE_PERIOD_DEFAULT = Duration.ofSeconds(20);
    public static final Duration SHUTDOWN_GRACE_PERIOD_MAX = Duration.ofHours(1);
    public static final String LOGGING_LEVEL_DEFAULT = "INFO";
    public static final List<String> LOGGING_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    /** @throws ConfigException if the HTTP server would bind the gRPC server's port */
    public ServerSettings {
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(httpListen, "httpListen");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(logLevel, "logLevel");
        if (tracing == null) {
            tracing = TracingSettings.off("vxdb");
        }
        if (httpListen.overlaps(grpc.listen())) {
            throw new ConfigException("http.listen: " + httpListen + " is invalid: grpc.listen "
                    + grpc.listen() + " uses the same port");
        }
    }

    /** Without TLS and tracing. */
    public ServerSettings(GrpcSettings grpc, HostAndPort httpListen, Duration shutdownGrace, String logLevel) {
        this(grpc, httpListen, shutdownGrace, logLevel, null, null);
    }

    /** Without tracing. */
    public ServerSettings(GrpcSettings grpc, HostAndPort httpListen, Duration shutdownGrace, String logLevel,
                          TlsSettings tls) {
        this(grpc, httpListen, shutdownGrace, logLevel, tls, null);
    }

    public static HostAndPort readHttpListen(ConfigSection root) {
        return root.section("http", "listen").value("listen").address(HTTP_LISTEN_DEFAULT);
    }

    public static Duration readShutdownGrace(ConfigSection root) {
        return root.section("shutdown", "grace_period").value("grace_period")
                .duration(SHUTDOWN_GRACE_PERIOD_DEFAULT, Duration.ZERO, SHUTDOWN_GRACE_PERIOD_MAX);
    }

    /** In upper case, however the file writes it. */
    public static String readLogLevel(ConfigSection root) {
        return root.section("logging", "level").value("level").oneOf(LOGGING_LEVEL_DEFAULT, LOGGING_LEVELS);
    }

    public ServerSettings withGrpcListen(HostAndPort address) {
        return new ServerSettings(grpc.withListen(Objects.requireNonNull(address, "address")), httpListen,
                shutdownGrace, logLevel, tls, tracing);
    }

    public ServerSettings withHttpListen(HostAndPort address) {
        return new ServerSettings(grpc, Objects.requireNonNull(address, "address"), shutdownGrace, logLevel, tls,
                tracing);
    }

    /** With TLS on the server's listeners per {@code settings}; null for plaintext. */
    public ServerSettings withTls(TlsSettings settings) {
        return new ServerSettings(grpc, httpListen, shutdownGrace, logLevel, settings, tracing);
    }

    /** With distributed tracing per {@code settings}. */
    public ServerSettings withTracing(TracingSettings settings) {
        return new ServerSettings(grpc, httpListen, shutdownGrace, logLevel, tls, settings);
    }

    /** Every setting as {@code <section>.<field>=<value>}, for a server's start-up log line. */
    @Override
    public String toString() {
        return grpc
                + " http.listen=" + httpListen
                + (tls == null ? " tls=off" : " " + tls)
                + " shutdown.grace_period=" + DurationText.format(shutdownGrace)
                + " logging.level=" + logLevel
                + " " + tracing;
    }
}
