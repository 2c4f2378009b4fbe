package org.vxdb.service.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.service.config.ConfigTesting.assertConfigError;

import io.grpc.ServerInterceptor;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.YamlDocument;

class TracingSettingsTest {

    private static TracingSettings read(String yaml) {
        return TracingSettings.read(ConfigSection.root(YamlDocument.read(yaml), "tracing"), "vxdb-node");
    }

    @Test
    void shouldBeOffWithoutAnEndpoint() {
        assertEquals(TracingSettings.off("vxdb-node"), read(""));
        assertEquals(TracingSettings.off("vxdb-node"), read("tracing:\n"));
        assertFalse(read("tracing:\n  sample_ratio: 0.5\n").enabled());
        assertEquals("tracing=off", read("").toString());
    }

    @Test
    void shouldReadEveryField() {
        TracingSettings settings = read("""
                tracing:
                  endpoint: http://otel-collector:4317
                  sample_ratio: 0.25
                  service_name: vxdb-node-eu-1
                """);
        assertEquals(new TracingSettings(URI.create("http://otel-collector:4317"), 0.25, "vxdb-node-eu-1"), settings);
        assertTrue(settings.enabled());
        assertEquals("tracing.endpoint=http://otel-collector:4317 tracing.sample_ratio=0.25"
                + " tracing.service_name=vxdb-node-eu-1", settings.toString());
    }

    @Test
    void shouldSampleEverythingUnderTheServersNameByDefault() {
        assertEquals(new TracingSettings(URI.create("https://collector.example:4317"), 1.0, "vxdb-node"),
                read("tracing:\n  endpoint: https://collector.example:4317\n"));
    }

    @Test
    void shouldRejectBadFieldsNamingThemAndTheReason() {
        assertConfigError("tracing.endpoint: 'otel-collector:4317' is invalid: use http:// or https:// with a host"
                + " and a port, e.g. http://otel-collector:4317",
                () -> read("tracing:\n  endpoint: otel-collector:4317\n"));
        assertConfigError("tracing.endpoint: 'http://otel-collector' is invalid: use http:// or https:// with a host"
                + " and a port, e.g. http://otel-collector:4317",
                () -> read("tracing:\n  endpoint: http://otel-collector\n"));
        assertConfigError("tracing.endpoint: 'http://a b:4317' is invalid: Illegal character in authority"
                + " (use e.g. http://otel-collector:4317)", () -> read("tracing:\n  endpoint: http://a b:4317\n"));
        assertConfigError("tracing.sample_ratio: 1.5 is invalid: use 0-1 (the share of traces recorded)",
                () -> read("tracing:\n  sample_ratio: 1.5\n"));
        assertConfigError("tracing.sample_ratio: expected a number from 0 to 1, got a string",
                () -> read("tracing:\n  sample_ratio: half\n"));
        assertConfigError("tracing.service_name: must not be blank", () -> read("tracing:\n  service_name: ' '\n"));
        assertConfigError("tracing.endpiont: unknown field (did you mean tracing.endpoint?)",
                () -> read("tracing:\n  endpiont: http://x:1\n"));
    }

    @Test
    void shouldAddNoInterceptorWhenOff() {
        ServerInterceptor[] given = new ServerInterceptor[0];
        assertSame(given, Tracing.off().innermostFirst(given));
        assertSame(Tracing.off(), Tracing.open(TracingSettings.off("vxdb-node")));
    }

    @Test
    void shouldPutTheTraceContextInterceptorInnermostWhenOn() {
        try (Tracing on = Tracing.exportingTo(io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create(),
                1.0, "vxdb-node")) {
            ServerInterceptor other = new ServerInterceptor() {
                @Override
                public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                        io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                    return next.startCall(call, headers);
                }
            };
            ServerInterceptor[] all = on.innermostFirst(other);
            assertEquals(2, all.length);
            assertTrue(all[0] instanceof TraceContextServerInterceptor);
            assertNotSame(other, all[0]);
            assertSame(other, all[1]);
        }
    }
}
