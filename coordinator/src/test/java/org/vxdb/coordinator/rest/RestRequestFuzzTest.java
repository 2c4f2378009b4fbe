package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vxdb.coordinator.net.ClientRateLimits;
import org.vxdb.coordinator.net.ListenerLimits;
import org.vxdb.coordinator.net.ProtocolContext;
import org.vxdb.coordinator.testing.FuzzCluster;
import org.vxdb.coordinator.testing.LocalListener;
import org.vxdb.coordinator.testing.WarningLog;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP requests through the whole REST pipeline (Netty's HTTP codec, the WebSocket upgrade check,
 * routing, query and header parsing, the JSON and NDJSON body decoders, the core, a real storage
 * node, the response encoder). The input is an HTTP request as text: the request line, header
 * lines, a blank line, the body. The body is sent with a correct {@code Content-Length} (or
 * chunked, when the input's headers say {@code Transfer-Encoding: chunked}), so that the server
 * sees one request and owes one answer.
 *
 * <p>Every request gets an answer within the timeout; its status is below 500 (or 504 when the
 * request set its own deadline, which may pass); an error answer is the documented JSON error
 * body; nothing is logged as a warning.
 */
class RestRequestFuzzTest {

    private static final long ANSWER_TIMEOUT_SECONDS = 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final FuzzCluster CLUSTER = new FuzzCluster();

    private static LocalListener listener;
    private static WarningLog warnings;

    @BeforeAll
    static void watch() {
        warnings = WarningLog.attach();
    }

    @AfterAll
    static void stop() {
        warnings.close();
        if (listener != null) {
            listener.close();
        }
    }

    private static LocalListener listener() {
        if (listener == null) {
            ListenerLimits limits = new ListenerLimits(16, Duration.ofMinutes(5), Duration.ofSeconds(30), 64 << 10,
                    1 << 20, 0, 0);
            listener = new LocalListener(new RestAdapter(new ProtocolContext(CLUSTER.core(), limits,
                    new ClientRateLimits(0, 0), null)));
        }
        return listener;
    }

    @FuzzTest
    @Timeout(60)
    @DictionaryFile(resourcePath = "rest.dict")
    void requests(byte[] input) throws Exception {
        Request request = Request.of(input);
        if (request == null) {
            return;
        }
        Answer answer = new Answer();
        Channel client = listener().connect(() -> new ChannelHandler[] {
            new HttpResponseDecoder(), new HttpObjectAggregator(4 << 20), answer});
        FullHttpResponse response;
        try {
            client.writeAndFlush(Unpooled.wrappedBuffer(request.bytes()));
            response = answer.response.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("no answer within " + ANSWER_TIMEOUT_SECONDS + " s to " + request);
            return;
        } finally {
            client.close().syncUninterruptibly();
        }
        if (response == null) {
            fail("the connection closed without an answer to " + request);
        }
        try {
            check(response, request);
        } finally {
            response.release();
        }
        assertEquals(List.of(), warnings.drain(), "warnings logged for " + request);
    }

    private static void check(FullHttpResponse response, Request request) {
        int status = response.status().code();
        String body = response.content().toString(StandardCharsets.UTF_8);
        // A deadline the client set may pass (504, documented: X-Timeout-Ms: 0 always does); no other 5xx.
        boolean askedForDeadline = request.head().toLowerCase(Locale.ROOT).contains("timeout");
        assertTrue(status < 500 || status == 504 && askedForDeadline, "status " + status + " " + body + " for "
                + request);
        JsonNode json = null;
        if (status >= 400 || status != 101 && status != 204 && body.startsWith("{")) {
            try {
                json = JSON.readTree(body);
            } catch (JacksonException e) {
                fail("status " + status + " with a body that is not JSON: " + body + " for " + request);
            }
        }
        if (status >= 400) {
            JsonNode error = json.get("error");
            assertTrue(error != null && error.get("code").isString() && error.get("message").isString()
                    && error.get("request_id").isString(), "not the error body: " + body + " for " + request);
        }
    }

    /** An input as the bytes of one HTTP/1.1 request, or null when it has no request line. */
    private record Request(String head, byte[] body, boolean chunked) {

        static Request of(byte[] input) {
            int split = indexOf(input, "\n\n".getBytes(StandardCharsets.US_ASCII));
            int crlfSplit = indexOf(input, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int headEnd;
            int bodyStart;
            if (crlfSplit >= 0 && (split < 0 || crlfSplit < split)) {
                headEnd = crlfSplit;
                bodyStart = crlfSplit + 4;
            } else if (split >= 0) {
                headEnd = split;
                bodyStart = split + 2;
            } else {
                headEnd = input.length;
                bodyStart = input.length;
            }
            String head = new String(input, 0, headEnd, StandardCharsets.ISO_8859_1);
            List<String> lines = new ArrayList<>();
            boolean chunked = false;
            for (String line : head.split("\n", -1)) {
                String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                String name = l.contains(":") ? l.substring(0, l.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
                if (!lines.isEmpty() && name.equals("transfer-encoding")) {
                    chunked = l.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (lines.isEmpty() || !name.equals("content-length") && !l.isEmpty()) {
                    lines.add(l);
                }
            }
            if (lines.isEmpty() || lines.getFirst().isBlank() || lines.getFirst().startsWith("HEAD ")) {
                return null; // no request; a HEAD answer has no body to wait for
            }
            byte[] body = java.util.Arrays.copyOfRange(input, bodyStart, input.length);
            return new Request(String.join("\r\n", lines), body, chunked);
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                out.writeBytes("\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int at = 0; at < body.length; at += 7) {
                    int n = Math.min(7, body.length - at);
                    out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.writeBytes(("\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(body);
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return head.replace("\r\n", "\\r\\n") + " with body " + new String(body, StandardCharsets.UTF_8);
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /** The first final answer (or the upgrade), or null when the connection closes without one. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        final CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            if (msg.status().code() >= 200 || msg.status().code() == 101) {
                if (!response.complete(msg.retain())) {
                    msg.release();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            response.completeExceptionally(new AssertionError("unreadable answer: " + cause, cause));
        }
    }
}
