package org.vxdb.service.tracing;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;

/**
 * The {@code tracing:} section of a node's or coordinator's config. Tracing is off unless
 * {@code endpoint} is set; then spans go to that OTLP/gRPC collector (for example
 * {@code http://otel-collector:4317}).
 *
 * @param endpoint    the OTLP/gRPC collector, {@code http://} or {@code https://} with a host and port; null: off
 * @param sampleRatio the share of traces started here that are recorded, 0-1 (a node follows its caller's decision)
 * @param serviceName the {@code service.name} resource attribute of the spans
 */
public record TracingSettings(URI endpoint, double sampleRatio, String serviceName) {

    public static final String SECTION = "tracing";
    public static final double SAMPLE_RATIO_DEFAULT = 1.0;
    private static final List<String> SCHEMES = List.of("http", "https");

    public TracingSettings {
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("sampleRatio " + sampleRatio + " is not in 0-1");
        }
        if (serviceName == null || serviceName.isBlank()) {
            throw new IllegalArgumentException("serviceName is required");
        }
    }

    /** Tracing off, for a server whose spans would be named {@code serviceName}. */
    public static TracingSettings off(String serviceName) {
        return new TracingSettings(null, SAMPLE_RATIO_DEFAULT, serviceName);
    }

    public boolean enabled() {
        return endpoint != null;
    }

    /**
     * Reads and checks the {@code tracing:} section of a config's top level, which must declare the
     * field {@value #SECTION}.
     *
     * @param defaultServiceName {@code vxdb-node} or {@code vxdb-coordinator}
     */
    public static TracingSettings read(ConfigSection root, String defaultServiceName) {
        ConfigSection tracing = root.section(SECTION, "endpoint", "sample_ratio", "service_name");
        URI endpoint = endpoint(tracing.value("endpoint"));
        ConfigValue ratio = tracing.value("sample_ratio");
        double sampleRatio = SAMPLE_RATIO_DEFAULT;
        if (!ratio.isAbsent()) {
            if (!ratio.node().isNumber()) {
                throw ratio.wrongType("a number from 0 to 1");
            }
            sampleRatio = ratio.node().doubleValue();
            if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
                throw ratio.invalid(ratio.node().asString() + " is invalid: use 0-1 (the share of traces recorded)");
            }
        }
        String serviceName = tracing.value("service_name").string(defaultServiceName);
        if (serviceName.isBlank()) {
            throw tracing.value("service_name").invalid("must not be blank");
        }
        return new TracingSettings(endpoint, sampleRatio, serviceName);
    }

    private static URI endpoint(ConfigValue value) {
        if (value.isAbsent()) {
            return null;
        }
        String text = value.string(null);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw value.invalid("'" + text + "' is invalid: " + e.getReason()
                    + " (use e.g. http://otel-collector:4317)");
        }
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme()) || uri.getHost() == null
                || uri.getPort() < 0) {
            throw value.invalid("'" + text + "' is invalid: use http:// or https:// with a host and a port, e.g."
                    + " http://otel-collector:4317");
        }
        return uri;
    }

    /** Every setting as {@code tracing.<field>=<value>}, for a server's start-up log line. */
    @Override
    public String toString() {
        if (!enabled()) {
            return "tracing=off";
        }
        return "tracing.endpoint=" + endpoint + " tracing.sample_ratio=" + sampleRatio
                + " tracing.service_name=" + serviceName;
    }
}
