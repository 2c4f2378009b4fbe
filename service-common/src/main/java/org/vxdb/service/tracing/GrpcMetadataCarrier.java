package org.vxdb.service.tracing;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/** gRPC headers as the carrier of the W3C trace context ({@code traceparent}, {@code tracestate}). */
enum GrpcMetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
    INSTANCE;

    private static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    @Override
    public void set(Metadata carrier, String name, String value) {
        if (carrier != null) {
            carrier.put(key(name), value);
        }
    }

    @Override
    public Iterable<String> keys(Metadata carrier) {
        return carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String name) {
        return carrier == null ? null : carrier.get(key(name));
    }
}
