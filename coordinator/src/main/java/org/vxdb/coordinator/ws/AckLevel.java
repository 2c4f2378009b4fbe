package org.vxdb.coordinator.ws;

import java.util.Locale;

/** When a stream acknowledges a batch (docs/api-websocket.md, "Acknowledgement levels"). */
enum AckLevel {
    /** Once the core's upsert completed: the rows reached the write consistency level durably. */
    DURABLE,
    /** Once the core admitted the batch and started it; its outcome may still be an error afterwards. */
    ACCEPTED;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AckLevel parse(String text) {
        for (AckLevel a : values()) {
            if (a.wireName().equalsIgnoreCase(text)) {
                return a;
            }
        }
        throw new IllegalArgumentException("ack: '" + text + "' is invalid: use durable or accepted");
    }
}
