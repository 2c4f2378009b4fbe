package org.vxdb.coordinator.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.core.VxdbException;
import org.vxdb.coordinator.testing.FuzzCluster;
import org.vxdb.coordinator.testing.WarningLog;

/**
 * What a WebSocket ingest session reads from its client: text frames ({@code open} and
 * {@code batch} JSON messages), binary batch frames, and the upgrade request's query. The input's
 * first byte says which ({@code j} JSON, {@code b} binary, {@code q} query; the rest of the input
 * is the frame or the query). A decoder always returns a message (a rejection carries a reason),
 * never throws; an open's options are accepted or refused with a message; a decoded batch is
 * written through the core to a real storage node, which accepts it or refuses it as an invalid
 * argument, never with an internal error.
 */
class WebSocketMessageFuzzTest {

    @RegisterExtension
    static final FuzzCluster CLUSTER = new FuzzCluster();

    private static WarningLog warnings;

    @BeforeAll
    static void watch() {
        warnings = WarningLog.attach();
    }

    @AfterAll
    static void stop() {
        warnings.close();
    }

    @FuzzTest
    @Timeout(30)
    @DictionaryFile(resourcePath = "ws.dict")
    void messages(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] payload = Arrays.copyOfRange(input, 1, input.length);
        switch (input[0]) {
            case 'q' -> query(new String(payload, StandardCharsets.UTF_8));
            case 'b' -> handle(decode(payload, true), SessionOptions.DEFAULTS);
            default -> handle(decode(payload, false), SessionOptions.DEFAULTS);
        }
        assertEquals(List.of(), warnings.drain(), "warnings logged");
    }

    private static InboundMessage decode(byte[] payload, boolean binary) {
        ByteBuf frame = Unpooled.wrappedBuffer(payload);
        try {
            InboundMessage m = binary ? BinaryBatchDecoder.decode(frame) : JsonMessageDecoder.decode(frame);
            assertNotNull(m);
            return m;
        } finally {
            frame.release();
        }
    }

    private static void query(String uri) throws Exception {
        SessionOptions options;
        try {
            options = SessionOptions.fromQuery("/v1/stream?" + uri);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
            return;
        }
        assertNotNull(options.consistencyName());
    }

    private static void handle(InboundMessage message, SessionOptions options) throws Exception {
        switch (message) {
            case InboundMessage.Rejected r -> assertFalse(r.message().isBlank(), "a rejection without a reason");
            case InboundMessage.Open o -> {
                try {
                    options.with(o.fields());
                } catch (IllegalArgumentException e) {
                    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                }
            }
            case InboundMessage.Batch b -> write(WriteRequest.newBuilder().setCollection(FuzzCluster.VECTORS)
                    .setConsistency(options.consistency()).addAllVectors(b.vectors()).build());
        }
    }

    private static void write(WriteRequest request) throws Exception {
        try {
            CLUSTER.core().upsert(FuzzCluster.context(), request).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            VxdbException failure = VxdbException.from(e.getCause());
            assertNotEquals(VxdbException.Code.INTERNAL, failure.code(), failure.getMessage());
            assertEquals(VxdbException.Code.INVALID_ARGUMENT, failure.code(), failure.getMessage());
        }
    }
}
