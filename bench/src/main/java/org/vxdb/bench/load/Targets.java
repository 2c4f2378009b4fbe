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
        throw new IllegalArgumentException("--target: unknown target '" + spec + "' (known: " + KINDS + ")");
    }
}
