package org.vxdb.coordinator.resp;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One command: its name, arity as Redis counts it (the command name included; negative means "at
 * least"), whether it changes data (a write waits for every earlier command of the connection and
 * holds back the later ones, so a pipeline behaves as if run one by one), and what COMMAND and
 * COMMAND DOCS say about it.
 *
 * @param name     lower case, as in error messages ({@code 'vadd'})
 * @param flags    Redis command flags for COMMAND ({@code write}, {@code readonly}, {@code fast}, ...)
 * @param firstKey position of the first key (0: none), as COMMAND reports it
 */
record CommandSpec(String name, int arity, boolean write, List<String> flags, int firstKey, String group,
                   String since, String summary, String syntax, Handler handler) {

    /** Runs a command whose arity was checked. Fails with {@link CommandException} or a core exception. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<Reply> run(Request request);
    }

    boolean arityMatches(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** Starts a spec; {@link Builder#handler} finishes it. */
    static Builder named(String name, int arity) {
        return new Builder(name, arity);
    }

    /** Fills a {@link CommandSpec} by name. */
    static final class Builder {
        private final String name;
        private final int arity;
        private boolean write;
        private List<String> flags = List.of("readonly");
        private int firstKey;
        private String group = "generic";
        private String since = "1.0.0";
        private String summary = "";
        private String syntax = "";

        private Builder(String name, int arity) {
            this.name = name;
            this.arity = arity;
        }

        Builder write() {
            this.write = true;
            this.flags = List.of("write");
            return this;
        }

        Builder flags(String... f) {
            this.flags = List.of(f);
            return this;
        }

        Builder key() {
            this.firstKey = 1;
            return this;
        }

        Builder group(String g) {
            this.group = g;
            return this;
        }

        Builder since(String s) {
            this.since = s;
            return this;
        }

        Builder doc(String syntaxText, String summaryText) {
            this.syntax = syntaxText;
            this.summary = summaryText;
            return this;
        }

        CommandSpec handler(Handler h) {
            return new CommandSpec(name, arity, write, flags, firstKey, group, since, summary, syntax, h);
        }
    }
}
