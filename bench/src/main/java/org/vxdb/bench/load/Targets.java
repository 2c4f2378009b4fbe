package org.vxdb.bench.load;

import java.nio.file.Path;

/** Opens a target from its command-line spelling. */
final class Targets {

    static final String KINDS = "direct, embedded, node=HOST:PORT, coordinator=HOST:PORT, rest=HOST:PORT,"
            + " ws=HOST:PORT, resp=HOST:PORT";

    private Targets() {
    }

    static Target open(String spec, LoadContext c) {
        if (spec.equals("direct")) {
            return new DirectTarget();
        }
        if (spec.equals("embedded")) {
            return new EmbeddedTarget(c.work(), Math.max(1, c.shards()), c.fsync(), c.out);
        }
        if (spec.startsWith("rest=")) {
            return new RestTarget(spec, control(c, spec), c.options.string("rest-encoding", "numbers"),
                    ClientSecurity.from(c.options)).withConsistency(c.options.string("consistency", null));
        }
        if (spec.startsWith("resp=")) {
            return new RespTarget(spec, control(c, spec), ClientSecurity.from(c.options)).withConsistency(c.options.string("consistency", null));
        }
        if (spec.startsWith("ws=")) {
            return new WsTarget(spec, control(c, spec), ClientSecurity.from(c.options)).withConsistency(c.options.string("consistency", null));
        }
        if (spec.startsWith("node=") || spec.startsWith("coordinator=")) {
            return grpc(spec, c);
        }
        throw new IllegalArgumentException("--target: unknown target '" + spec + "' (known: " + KINDS + ")");
    }

    private static Path path(LoadContext c, String option) {
        String value = c.options.string(option, null);
        return value == null ? null : Path.of(value);
    }

    /**
     * The gRPC target that sets up the collection of a protocol target: {@code --grpc HOST:PORT}, or
     * for a {@code tls://} target {@code --grpc-tls HOST:PORT} (the secured coordinator's gRPC port).
     */
    private static GrpcTarget control(LoadContext c, String spec) {
        if (spec.contains("=" + ClientSecurity.TLS_SCHEME)) {
            if (!c.options.has("grpc-tls")) {
                throw new IllegalArgumentException("target '" + spec + "' needs --grpc-tls HOST:PORT, the gRPC port of"
                        + " the same coordinator, which sets up its collection");
            }
            return grpc("coordinator=" + ClientSecurity.TLS_SCHEME + c.options.string("grpc-tls", null), c);
        }
        return grpc("coordinator=" + c.options.string("grpc", "127.0.0.1:7100"), c);
    }

    private static GrpcTarget grpc(String spec, LoadContext c) {
        GrpcTarget.Options o = GrpcTarget.Options.defaults().withShardCount(c.shards())
                .withChannels(c.options.integer("channels", GrpcTarget.Options.CHANNELS_DEFAULT, 1))
                .withFsync(GrpcTarget.Options.fsync(c.fsync().name()))
                .withBufferAge(java.time.Duration.ofMillis(c.options.integer("buffer-age-ms", 2000, 1)));
        if (c.options.has("consistency")) {
            o = o.withConsistency(GrpcTarget.Options.consistency(c.options.string("consistency", "")));
        }
        if (c.options.has("collection")) {
            o = o.withCollection(c.options.string("collection", null));
        }
        String name = spec;
        if (spec.contains("=" + ClientSecurity.TLS_SCHEME)) {
            if (!c.options.has("tls-ca")) {
                throw new IllegalArgumentException("target '" + spec + "' uses " + ClientSecurity.TLS_SCHEME
                        + " but --tls-ca is not given");
            }
            o = o.withTls(GrpcTarget.Options.tlsCredentials(path(c, "tls-ca"), path(c, "tls-cert"),
                    path(c, "tls-key")));
            spec = spec.replace("=" + ClientSecurity.TLS_SCHEME, "=");
        } else if (c.options.has("tls-cert") && !c.options.has("tls-ca")) {
            throw new IllegalArgumentException("--tls-cert and --tls-key need --tls-ca (the CA of the server)");
        }
        GrpcTarget t = GrpcTarget.connect(spec, o).named(name).authenticated(ClientSecurity.from(c.options).apiKey());
        return c.options.string("keep", "false").equals("true") ? t.keepCollection() : t;
    }
}
