package org.vxdb.coordinator.ws;

import java.util.List;
import java.util.Map;
import org.vxdb.api.v1.Vector;

/** One decoded client message: what the session acts on. */
sealed interface InboundMessage {

    /** An {@code open} message: the option fields it names. */
    record Open(Map<String, String> fields) implements InboundMessage {
    }

    /** A batch whose every row decoded; the core validates it against the collection. */
    record Batch(long seq, List<Vector> vectors) implements InboundMessage {
    }

    /**
     * A message that could not be decoded. With a seq it is a batch answered in its turn with this
     * error; an open's problem ends the session; without either it is answered at once.
     *
     * @param seq null when the message did not get as far as a readable seq
     * @param row null unless one row is at fault
     */
    record Rejected(boolean open, Long seq, Integer row, String message) implements InboundMessage {

        static Rejected unreadable(String message) {
            return new Rejected(false, null, null, message);
        }

        static Rejected batch(long seq, Integer row, String message) {
            return new Rejected(false, seq, row, message);
        }

        static Rejected open(String message) {
            return new Rejected(true, null, null, message);
        }
    }
}
