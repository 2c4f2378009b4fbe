package org.vxdb.bench.load;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.vxdb.index.Metric;
import org.vxdb.vecs.VectorSet;

/**
 * A coordinator reached through one of its other client protocols ({@code rest=}, {@code ws=},
 * {@code resp=}): writes and searches, which the benchmark measures, go through that protocol;
 * creating, waiting for the index and dropping (not measured) go through the coordinator's gRPC
 * API ({@code --grpc HOST:PORT}, default 127.0.0.1:7100), so every target of a run is set up the same way.
 */
abstract class ProtocolTarget implements Target {

    protected final String name;
    protected final String host;
    protected final int port;
    protected final GrpcTarget control;
    /** Written {@code KIND=tls://HOST:PORT}: the connection is TLS. */
    protected final boolean tls;
    protected final ClientSecurity security;
    private volatile Metric metric;
    /** one, quorum or all; null: the coordinator's default. */
    protected volatile String consistency;

    ProtocolTarget(String spec, GrpcTarget control, ClientSecurity security) {
        this.name = spec;
        this.security = security;
        this.tls = spec.indexOf('=') > 0 && spec.startsWith(ClientSecurity.TLS_SCHEME, spec.indexOf('=') + 1);
        if (tls) {
            spec = spec.replace("=" + ClientSecurity.TLS_SCHEME, "=");
        }
        int eq = spec.indexOf('=');
        int colon = spec.lastIndexOf(':');
        if (eq < 1 || colon < eq + 2 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("target '" + name + "' is invalid: use " + spec.substring(0,
                    Math.max(0, eq)) + "=HOST:PORT or " + spec.substring(0, Math.max(0, eq)) + "=tls://HOST:PORT");
        }
        this.host = spec.substring(eq + 1, colon);
        try {
            this.port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + name + "' is invalid: the port is not a number");
        }
        this.control = control;
    }

    /** Writes at this consistency level ({@code --consistency}); null leaves it to the coordinator. */
    @SuppressWarnings("unchecked")
    <T extends ProtocolTarget> T withConsistency(String level) {
        if (level != null) {
            GrpcTarget.Options.consistency(level); // validates the spelling
        }
        this.consistency = level;
        return (T) this;
    }

    @Override
    public String name() {
        return name;
    }

    protected String collection() {
        return control.collection();
    }

    @Override
    public void create(int dimension, Metric m, String index, long expectedRows, VectorSet trainingSource) {
        control.create(dimension, m, index, expectedRows, trainingSource);
        this.metric = m;
    }

    @Override
    public String awaitIndexed() {
        return control.awaitIndexed();
    }

    /** Records ids {@code [fromId, toId)} as written and acknowledged, for {@link #awaitIndexed}'s completeness check. */
    protected final void written(long fromId, long toId) {
        control.noteWritten(fromId, toId);
    }

    /** A distance as the ground truth has it (L2 is served squared). */
    protected final float groundTruthUnits(float d) {
        return metric == Metric.L2 ? (float) Math.sqrt(Math.max(0f, d)) : d;
    }

    protected static float value(MemorySegment data, long index) {
        return data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index);
    }

    protected static void fillMissing(int from, long[] ids, float[] distances) {
        for (int i = from; i < ids.length; i++) {
            ids[i] = -1;
            distances[i] = Float.NaN;
        }
    }

    @Override
    public void close() {
        control.close();
    }
}
