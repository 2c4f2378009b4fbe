package org.vxdb.coordinator.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.vxdb.api.v1.WriteFailure;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes what the server sends a session: one JSON object per text frame (the message catalogue
 * of docs/api-websocket.md). Sequence numbers and ids are uint64: seqs are written as JSON
 * integers, ids as strings (JavaScript numbers lose precision above 2^53).
 */
final class StreamProxy {

    private static final JsonFactory JSON = new JsonFactory();

    private final Channel channel;

    StreamProxy(Channel channel) {
        this.channel = channel;
    }

    void ready(String session, SessionOptions options, int dimension, StreamSettings settings) {
        send(g -> {
            g.writeStringProperty("type", "ready");
            g.writeStringProperty("session", session);
            g.writeStringProperty("collection", options.collection());
            g.writeNumberProperty("dimension", dimension);
            g.writeStringProperty("ack", options.ack().wireName());
            g.writeStringProperty("consistency", options.consistencyName());
            g.writeNumberProperty("credits", settings.credits());
            g.writeNumberProperty("max_batch_rows", settings.maxBatchRows());
            g.writeNumberProperty("max_message_bytes", settings.maxMessageBytes());
        });
    }

    /** A durable acknowledgement of every batch up to {@code upTo}. */
    void ack(long upTo, long written, long credit, List<WriteFailure> failures) {
        send(g -> {
            g.writeStringProperty("type", "ack");
            seq(g, "up_to", upTo);
            g.writeNumberProperty("written", written);
            g.writeNumberProperty("credit", credit);
            if (!failures.isEmpty()) {
                failures(g, failures);
            }
        });
    }

    /** An accepted-level acknowledgement: the batch was handed to the core. */
    void accepted(long upTo, int rows, long credit) {
        send(g -> {
            g.writeStringProperty("type", "ack");
            seq(g, "up_to", upTo);
            g.writeNumberProperty("accepted", rows);
            g.writeNumberProperty("credit", credit);
        });
    }

    /**
     * @param seq     null for a message that had none (or a session-level error)
     * @param row     null unless one row is at fault
     * @param credit  null for an error that ends the session
     */
    void error(Long seq, Integer row, String code, String message, Long credit, List<WriteFailure> failures) {
        send(g -> {
            g.writeStringProperty("type", "error");
            if (seq != null) {
                seq(g, "seq", seq);
            }
            if (row != null) {
                g.writeNumberProperty("row", row);
            }
            g.writeStringProperty("code", code);
            g.writeStringProperty("message", message);
            if (credit != null) {
                g.writeNumberProperty("credit", credit);
            }
            if (!failures.isEmpty()) {
                failures(g, failures);
            }
        });
    }

    void error(Long seq, Integer row, String code, String message, Long credit) {
        error(seq, row, code, message, credit, List.of());
    }

    void backoff(long seq, long retryAfterMillis, int attempt, String reason) {
        send(g -> {
            g.writeStringProperty("type", "backoff");
            seq(g, "seq", seq);
            g.writeNumberProperty("retry_after_ms", retryAfterMillis);
            g.writeNumberProperty("attempt", attempt);
            g.writeStringProperty("reason", reason);
        });
    }

    void shutdown() {
        send(g -> {
            g.writeStringProperty("type", "shutdown");
            g.writeStringProperty("message", "the coordinator is shutting down: batches already received are"
                    + " finished and acknowledged, later ones are refused; then the session closes (1001)");
        });
    }

    private static void seq(JsonGenerator g, String name, long seq) {
        g.writeName(name);
        g.writeNumber(Long.toUnsignedString(seq));
    }

    private static void failures(JsonGenerator g, List<WriteFailure> failures) {
        g.writeArrayPropertyStart("failures");
        for (WriteFailure f : failures) {
            g.writeStartObject();
            g.writeStringProperty("id", Long.toUnsignedString(f.getId()));
            g.writeStringProperty("reason", f.getReason());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void send(Consumer<JsonGenerator> fields) {
        if (!channel.isActive()) {
            return;
        }
        ByteBuf buf = channel.alloc().buffer(160);
        OutputStream bytes = new ByteBufOutputStream(buf);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), bytes)) {
            g.writeStartObject();
            fields.accept(g);
            g.writeEndObject();
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        channel.writeAndFlush(new TextWebSocketFrame(buf));
    }
}
