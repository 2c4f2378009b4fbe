package org.vxdb.bench.load;

/** Opens a target from its command-line spelling. */
final class Targets {

    static final String KINDS = "direct, embedded, node=HOST:PORT, coordinator=HOST:PORT";

    private Targets() {
    }

    static Target open(String spec, LoadContext c) {
        if (spec.equals("direct")) {
            return new DirectTarget();
        }
        if (spec.equals("embedded")) {
            return new EmbeddedTarget(c.work(), Math.max(1, c.shards()), c.fsync(), c.out);
        }
        if (spec.startsWith("node=") || spec.startsWith("coordinator=")) {
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
            GrpcTarget t = GrpcTarget.connect(spec, o);
            return c.options.string("keep", "false").equals("true") ? t.keepCollection() : t;
        }
        throw new IllegalArgumentException("--target: unknown target '" + spec + "' (known: " + KINDS + ")");
    }
}
