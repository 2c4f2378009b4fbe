package org.vxdb.cli.launch;

import java.util.List;
import sun.misc.Signal;

/**
 * SIGINT (Ctrl-C) and SIGTERM handled by the command line instead of ending its JVM at once: it
 * passes the stop on to the JVMs it started and exits with their outcome, as NodeMain and
 * CoordinatorMain do for their own.
 */
final class StopSignals {

    private StopSignals() {
    }

    static void onStop(Runnable action) {
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), s -> action.run());
        }
    }
}
