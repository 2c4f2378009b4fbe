package org.vxdb.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.vecs.VectorSet;

/**
 * {@code resp=HOST:PORT}: the coordinator's Redis protocol (docs/api-resp.md), one connection per
 * client thread: writes as {@code VECTOR.MADD coll DIM d FP32 id blob ...}, searches as
 * {@code VECTOR.SEARCH coll K k FP32 blob [NPROBE n]}, replies read as RESP2. The client is this
 * small class (what a Redis client library does: write a command array, read one reply).
 */
final class RespTarget extends ProtocolTarget {

    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final List<Connection> all = new ArrayList<>();

    RespTarget(String spec, GrpcTarget control, ClientSecurity security) {
        super(spec, control, security);
    }

    /** One RESP connection: commands out as arrays of bulk strings, replies in as Java values. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(String host, int port, javax.net.ssl.SSLContext tls) throws IOException {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), 10_000);
            socket = tls == null ? plain : tls.getSocketFactory().createSocket(plain, host, port, true);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        Object call(List<byte[]> args) throws IOException {
            out.write(('*' + Integer.toString(args.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                out.write(('$' + Integer.toString(a.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(a);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            return read();
        }

        private Object read() throws IOException {
            int type = in.read();
            String line = line();
            return switch (type) {
                case '+' -> line;
                case '-' -> new RespError(line);
                case ':' -> Long.parseLong(line);
                case '$' -> {
                    int n = Integer.parseInt(line);
                    if (n < 0) {
                        yield null;
                    }
                    byte[] b = in.readNBytes(n);
                    in.readNBytes(2);
                    yield new String(b, StandardCharsets.UTF_8);
                }
                case '*' -> {
                    int n = Integer.parseInt(line);
                    List<Object> items = new ArrayList<>(Math.max(0, n));
                    for (int i = 0; i < n; i++) {
                        items.add(read());
                    }
                    yield items;
                }
                case -1 -> throw new IOException("connection closed");
                default -> throw new IOException("unexpected reply type '" + (char) type + "'");
            };
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                b.append((char) c);
            }
            in.read();
            return b.toString();
        }
    }

    private record RespError(String text) {
    }

    private Connection connection() {
        Connection c = connections.get();
        if (c == null) {
            try {
                c = new Connection(host, port, tls ? security.sslContext(name) : null);
                if (security.apiKey() != null) {
                    // AUTH default KEY: an unsecured coordinator takes any password for the default user
                    Object auth = c.call(List.of("AUTH".getBytes(StandardCharsets.US_ASCII),
                            "default".getBytes(StandardCharsets.US_ASCII),
                            security.apiKey().getBytes(StandardCharsets.US_ASCII)));
                    if (!"OK".equals(auth)) {
                        throw new IllegalStateException(name + ": AUTH was refused: " + auth);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(name + ": cannot connect: " + e, e);
            }
            connections.set(c);
            synchronized (all) {
                all.add(c);
            }
        }
        return c;
    }

    private Object call(List<byte[]> args, String what) {
        Object reply;
        try {
            reply = connection().call(args);
        } catch (IOException e) {
            throw new IllegalStateException(name + ": " + what + " failed: " + e, e);
        }
        if (reply instanceof RespError e) {
            throw new IllegalStateException(name + ": " + what + " failed: " + e.text());
        }
        return reply;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void write(VectorSet rows, int from, int to, long idOffset) {
        int dim = rows.dimension();
        List<byte[]> args = new ArrayList<>(8 + 2 * (to - from));
        args.add(ascii("VECTOR.MADD"));
        args.add(collection().getBytes(StandardCharsets.UTF_8));
        args.add(ascii("DIM"));
        args.add(ascii(Integer.toString(dim)));
        args.add(ascii("FP32"));
        if (consistency != null) {
            args.add(ascii("CONSISTENCY"));
            args.add(ascii(consistency));
        }
        MemorySegment data = rows.data();
        for (int r = from; r < to; r++) {
            args.add(ascii(Long.toUnsignedString(idOffset + r)));
            ByteBuffer blob = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
            long at = (long) r * dim;
            for (int j = 0; j < dim; j++) {
                blob.putFloat(value(data, at + j));
            }
            args.add(blob.array());
        }
        Object reply = call(args, "VECTOR.MADD of rows [" + from + ", " + to + ")");
        if (!(reply instanceof Long n) || n != to - from) {
            throw new IllegalStateException(name + ": VECTOR.MADD of rows [" + from + ", " + to + ") answered "
                    + reply);
        }
        written(idOffset + from, idOffset + to);
    }

    @Override
    public void search(float[] query, int k, int nprobe, long[] ids, float[] distances) {
        ByteBuffer blob = ByteBuffer.allocate(4 * query.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : query) {
            blob.putFloat(f);
        }
        List<byte[]> args = new ArrayList<>(List.of(ascii("VECTOR.SEARCH"),
                collection().getBytes(StandardCharsets.UTF_8), ascii("K"), ascii(Integer.toString(k)), ascii("FP32"),
                blob.array()));
        if (nprobe > 0) {
            args.add(ascii("NPROBE"));
            args.add(ascii(Integer.toString(nprobe)));
        }
        Object reply = call(args, "VECTOR.SEARCH");
        if (!(reply instanceof List<?> hits)) {
            throw new IllegalStateException(name + ": VECTOR.SEARCH answered " + reply);
        }
        int n = Math.min(hits.size(), ids.length);
        for (int i = 0; i < n; i++) {
            List<?> hit = (List<?>) hits.get(i);
            String id = null;
            String distance = null;
            for (int f = 0; f + 1 < hit.size(); f += 2) {
                switch (String.valueOf(hit.get(f))) {
                    case "id" -> id = (String) hit.get(f + 1);
                    case "distance" -> distance = (String) hit.get(f + 1);
                    default -> {
                    }
                }
            }
            ids[i] = Long.parseUnsignedLong(id);
            distances[i] = groundTruthUnits(Float.parseFloat(distance));
        }
        fillMissing(n, ids, distances);
    }

    @Override
    public void close() {
        try {
            synchronized (all) {
                for (Connection c : all) {
                    try {
                        c.socket.close();
                    } catch (IOException ignored) {
                        // closing at the end of a run: nothing left to lose
                    }
                }
            }
        } finally {
            super.close();
        }
    }
}
