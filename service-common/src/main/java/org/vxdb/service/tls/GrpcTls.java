package org.vxdb.service.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for gRPC (grpc-netty-shaded) built from a server's {@link TlsMaterial}: its
 * reloading key and trust managers, TLS 1.3 and 1.2, and gRPC's ALPN and HTTP/2 cipher settings
 * ({@link GrpcSslContexts}). Since the managers reload, a context is built once and serves every
 * later certificate (OpenSSL asks the key manager at every handshake too).
 *
 * <p>The provider is OpenSSL (BoringSSL, which grpc-netty-shaded bundles for Linux, macOS and
 * Windows) where it loads, else the JDK's: HTTP/2 sends several small TLS records per call (headers,
 * data, trailers), and the JDK's engine costs noticeably more per record (docs/performance.md, Security).
 */
public final class GrpcTls {

    private GrpcTls() {
    }

    /** For {@code NettyServerBuilder.sslContext}: presents the material's certificate; asks clients per {@code clientAuth}. */
    public static SslContext server(TlsMaterial material, ClientAuth clientAuth) {
        SslContextBuilder builder = SslContextBuilder.forServer(material.keyManager())
                .sessionTimeout(TlsProtocols.SESSION_TIMEOUT_SECONDS);
        if (clientAuth != ClientAuth.NONE) {
            builder.trustManager(material.trustManager());
        }
        builder.clientAuth(switch (clientAuth) {
            case NONE -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.NONE;
            case OPTIONAL -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.OPTIONAL;
            case REQUIRE -> io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.REQUIRE;
        });
        return build(builder);
    }

    /**
     * For {@code NettyChannelBuilder.sslContext}: trusts the material's CA bundle and presents its
     * certificate to servers that ask (mutual TLS). gRPC verifies the server's name against the
     * address dialled (a DNS name or an IP address among its subject alternative names).
     */
    public static SslContext client(TlsMaterial material) {
        return build(SslContextBuilder.forClient().keyManager(material.keyManager())
                .trustManager(material.trustManager()));
    }

    /** OpenSSL when grpc-netty-shaded's BoringSSL loads on this machine, else the JDK's provider. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** "OpenSSL (BoringSSL, bundled with grpc-netty-shaded)" or "JDK": for start-up log lines. */
    public static String providerName() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ", bundled with"
                + " grpc-netty-shaded)" : TlsProtocols.PROVIDER;
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return GrpcSslContexts.configure(builder, provider()).protocols(TlsProtocols.ENABLED).build();
        } catch (SSLException e) {
            throw new TlsMaterialException("cannot build a gRPC TLS context: " + e.getMessage(), e);
        }
    }
}
