package org.vxdb.bench.load;

import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vxdb.vecs.VectorSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code ws=HOST:PORT}: streaming ingest over the coordinator's WebSocket endpoint
 * (docs/api-websocket.md) with binary batch frames and durable acknowledgements, one session per
 * writer thread, through the JDK's WebSocket client. A write sends one batch and returns at its
 * ack. WebSocket streams are ingest only: {@link #search} is refused.
 */
final class WsTarget extends ProtocolTarget {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAGIC = 'V' | 'X' << 8 | 'W' << 16 | 'B' << 24;
    private static final int HEADER = 24;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http;
    private final ThreadLocal<Session> sessions = new ThreadLocal<>();
    private final List<Session> all = new ArrayList<>();

    WsTarget(String spec, GrpcTarget control, ClientSecurity security) {
        super(spec, control, security);
        this.http = tls ? HttpClient.newBuilder().sslContext(security.sslContext(spec)).build() : HttpClient.newHttpClient();
    }

    /** One WebSocket session: its answers queue up as parsed JSON messages. */
    private final class Session implements WebSocket.Listener {
        private final LinkedBlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private WebSocket socket;
        private long nextSeq = 1;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                answers.add(JSON.readTree(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            answers.add(JSON.createObjectNode().put("type", "closed").put("code", status).put("reason", reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            answers.add(JSON.createObjectNode().put("type", "closed").put("code", -1).put("reason", error.toString()));
        }

        JsonNode next(String waitingFor) {
            try {
                JsonNode m = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (m == null) {
                    throw new IllegalStateException(name + ": no answer within " + ANSWER_TIMEOUT.toSeconds()
                            + " s while waiting for " + waitingFor);
                }
                return m;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted", e);
            }
        }
    }

    private Session session() {
        Session s = sessions.get();
        if (s != null) {
            return s;
        }
        s = new Session();
        String uri = (tls ? "wss://" : "ws://") + host + ":" + port + "/v1/stream?collection="
                + URLEncoder.encode(collection(), StandardCharsets.UTF_8) + "&ack=durable"
                + (consistency == null ? "" : "&consistency=" + consistency);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (security.bearer() != null) {
            builder.header("Authorization", security.bearer());
        }
        s.socket = builder.buildAsync(URI.create(uri), s).join();
        JsonNode ready = s.next("ready");
        if (!ready.path("type").asString().equals("ready")) {
            throw new IllegalStateException(name + ": the session did not open: " + ready);
        }
        sessions.set(s);
        synchronized (all) {
            all.add(s);
        }
        return s;
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        Session s = session();
        int dim = rows.dimension();
        int count = to - from;
        long seq = s.nextSeq++;
        ByteBuffer frame = ByteBuffer.allocate(HEADER + count * (8 + 4 * dim)).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(MAGIC).putShort((short) 1).putShort((short) 0).putLong(seq).putInt(count).putInt(dim);
        MemorySegment data = rows.data();
        for (int r = from; r < to; r++) {
            frame.putLong(idOffset + r);
            long at = (long) r * dim;
            for (int j = 0; j < dim; j++) {
                frame.putFloat(value(data, at + j));
            }
        }
        frame.flip();
        s.socket.sendBinary(frame, true).join();
        while (true) {
            JsonNode m = s.next("the ack of batch " + seq);
            switch (m.path("type").asString()) {
                case "ack" -> {
                    if (Long.parseUnsignedLong(m.path("up_to").asString()) >= seq) {
                        long written = m.path("written").asLong(-1);
                        if (written != count) {
                            throw new IllegalStateException(name + ": batch " + seq + " wrote " + written + " of "
                                    + count + ": " + m);
                        }
                        written(idOffset + from, idOffset + to);
                        return;
                    }
                }
                case "backoff" -> {
                    // the server keeps the batch and retries it itself; its ack or error follows
                }
                default -> throw new IllegalStateException(name + ": batch " + seq + " of rows [" + from + ", " + to
                        + ") failed: " + m);
            }
        }
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        throw new UnsupportedOperationException(name + ": WebSocket streams carry ingest only; search through"
                + " coordinator=, rest= or resp=");
    }

    @Override
    public void close() {
        try {
            synchronized (all) {
                for (Session s : all) {
                    s.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
                }
            }
            super.close();
        } finally {
            http.close();
        }
    }
}
