package org.vxdb.service.tracing;

import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * A server's distributed tracing: off (a no-op tracer, no interceptors: nothing is recorded or
 * sent, and calls carry no trace headers) or on, recording spans through the OpenTelemetry SDK
 * and exporting them over OTLP/gRPC. The trace context crosses gRPC calls as the W3C
 * {@code traceparent} header ({@link #clientInterceptor()}, {@link #serverInterceptor()}). The
 * server that opened a {@code Tracing} closes it, which exports what is still buffered.
 */
public final class Tracing implements AutoCloseable {

    /** The instrumentation scope of every VxDB span. */
    public static final String SCOPE = "org.vxdb";

    public static final AttributeKey<String> COLLECTION = AttributeKey.stringKey("vxdb.collection");
    public static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("vxdb.node.id");
    public static final AttributeKey<Long> SHARD_COUNT = AttributeKey.longKey("vxdb.shard_count");
    public static final AttributeKey<Long> SHARD = AttributeKey.longKey("vxdb.shard");
    public static final AttributeKey<Long> K = AttributeKey.longKey("vxdb.k");
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("vxdb.request_id");
    public static final AttributeKey<String> PLAN = AttributeKey.stringKey("vxdb.plan");
    public static final AttributeKey<Long> ROWS_SCANNED = AttributeKey.longKey("vxdb.rows_scanned");
    public static final AttributeKey<Long> HITS = AttributeKey.longKey("vxdb.hits");
    public static final AttributeKey<Boolean> PARTIAL = AttributeKey.booleanKey("vxdb.partial");

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final Tracing OFF = new Tracing(null);

    /** Null when off. */
    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider == null ? TracerProvider.noop().get(SCOPE) : provider.get(SCOPE);
    }

    /** Nothing recorded; closing it does nothing. */
    public static Tracing off() {
        return OFF;
    }

    /** Off, or exporting to {@code settings.endpoint()} in batches. */
    public static Tracing open(TracingSettings settings) {
        if (!settings.enabled()) {
            return OFF;
        }
        SpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(settings.endpoint().toString()).build();
        return new Tracing(provider(BatchSpanProcessor.builder(exporter).build(), settings));
    }

    /**
     * Every span handed to {@code exporter} as it ends (tests: the SDK's in-memory exporter).
     * Closing this shuts the exporter down too.
     */
    public static Tracing exportingTo(SpanExporter exporter, double sampleRatio, String serviceName) {
        return new Tracing(provider(SimpleSpanProcessor.builder(exporter).build(),
                new TracingSettings(null, sampleRatio, serviceName)));
    }

    private static SdkTracerProvider provider(SpanProcessor processor, TracingSettings settings) {
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME,
                        settings.serviceName()))))
                // A node follows the coordinator's decision; a trace started here is sampled at the ratio.
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(processor)
                .build();
    }

    public boolean enabled() {
        return provider != null;
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * Makes {@code span} current until the scope closes; with tracing off (an invalid span) it does
     * nothing, so a search pays no context switch for it. A span sampled out is still made current:
     * its context carries the decision to the nodes.
     */
    public static Scope scope(Span span) {
        return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
    }

    static TextMapPropagator propagator() {
        return W3CTraceContextPropagator.getInstance();
    }

    /** Puts the current trace context into each call's headers; install it only when {@link #enabled()}. */
    public ClientInterceptor clientInterceptor() {
        return new TraceContextClientInterceptor();
    }

    /** Makes the caller's trace context current while a call is handled; install it only when {@link #enabled()}. */
    public ServerInterceptor serverInterceptor() {
        return new TraceContextServerInterceptor();
    }

    /**
     * {@code interceptors} for a service, with {@link #serverInterceptor()} first (innermost, around
     * the handler) when tracing is on; {@code interceptors} unchanged when it is off.
     */
    public ServerInterceptor[] innermostFirst(ServerInterceptor... interceptors) {
        if (!enabled()) {
            return interceptors;
        }
        ServerInterceptor[] all = new ServerInterceptor[interceptors.length + 1];
        all[0] = serverInterceptor();
        System.arraycopy(interceptors, 0, all, 1, interceptors.length);
        return all;
    }

    /** Exports what is buffered (up to 10 s) and stops the exporter. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
