package org.vxdb.cli.client;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.vxdb.api.v1.CollectionInfo;
import org.vxdb.api.v1.CollectionServiceGrpc;
import org.vxdb.api.v1.DescribeCollectionRequest;
import org.vxdb.api.v1.VectorServiceGrpc;
import org.vxdb.cli.CliException;

/** One gRPC channel to a coordinator, closed by its owner (the command that opened it). */
public final class Connection implements AutoCloseable {

    private final ManagedChannel channel;
    private final ClientInterceptor auth;
    private final Duration timeout;

    private Connection(ManagedChannel channel, ClientInterceptor auth, Duration timeout) {
        this.channel = channel;
        this.auth = auth;
        this.timeout = timeout;
    }

    public static Connection open(ClientOptions options) {
        String target = options.grpcTarget();
        HostPort hp = HostPort.parse("--target", target);
        Path ca = options.caFile();
        ChannelCredentials credentials;
        if (ca == null) {
            credentials = io.grpc.InsecureChannelCredentials.create();
        } else {
            try {
                credentials = TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException("--tls-ca " + ca + ": not a PEM certificate file (" + e.getMessage() + ")");
            }
        }
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(hp.host(), hp.port(), credentials)
                .maxInboundMessageSize(64 << 20).build();
        String key = options.apiKey();
        ClientInterceptor auth = null;
        if (key != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        }
        return new Connection(channel, auth, options.timeout());
    }

    public CollectionServiceGrpc.CollectionServiceBlockingStub collections() {
        CollectionServiceGrpc.CollectionServiceBlockingStub s = CollectionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return auth == null ? s : s.withInterceptors(auth);
    }

    public VectorServiceGrpc.VectorServiceBlockingStub vectors() {
        VectorServiceGrpc.VectorServiceBlockingStub s = VectorServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return auth == null ? s : s.withInterceptors(auth);
    }

    /** The collection's spec and stats; an unknown collection is the server's NOT_FOUND line. */
    public CollectionInfo describe(String collection) {
        return collections().describeCollection(DescribeCollectionRequest.newBuilder().setName(collection).build())
                .getCollection();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A parsed HOST:PORT ({@code [v6]:port} too). */
    public record HostPort(String host, int port) {
        public static HostPort parse(String option, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new CliException(option + " '" + text + "' is not HOST:PORT");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CliException(option + " '" + text + "' is not HOST:PORT");
            }
            if (port < 1 || port > 65_535) {
                throw new CliException(option + " '" + text + "': port must be 1..65535");
            }
            return new HostPort(host, port);
        }
    }
}
