package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpContent;

/**
 * One request from the moment its head is accepted until it is answered: it takes the body's
 * chunks and answers through its {@link Owner}. The connection gives it chunks only while
 * {@link #accepting()}, which is how a stream pauses reading while a batch is in flight.
 */
abstract class Exchange {

    /** The connection an exchange answers through. */
    interface Owner {
        /** Sends the answer; {@code close} ends the connection after it (the body was not read to its end). */
        void respond(Exchange exchange, RestResponse response, String code, boolean close);

        /** Sends an error answer (the one body shape). */
        default void fail(Exchange exchange, RestError error, boolean close) {
            respond(exchange, RestResponse.error(error, exchange.call().requestId()), error.code(), close);
        }

        /** The exchange accepts chunks again after a pause. */
        void resumed(Exchange exchange);
    }

    private final RestCall call;
    private final boolean keepAlive;
    private final boolean http10;

    Exchange(RestCall call, boolean keepAlive, boolean http10) {
        this.call = call;
        this.keepAlive = keepAlive;
        this.http10 = http10;
    }

    RestCall call() {
        return call;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean http10() {
        return http10;
    }

    /** Takes one chunk of the body (a {@code LastHttpContent} ends it) and releases it. */
    abstract void content(HttpContent chunk);

    /** Whether the exchange takes a chunk now. */
    abstract boolean accepting();

    /** The connection closed or gave up on the exchange: release what it holds. */
    void abort() {
    }
}
