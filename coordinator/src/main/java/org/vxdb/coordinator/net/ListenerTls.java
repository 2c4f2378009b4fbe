package org.vxdb.coordinator.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.service.tls.ClientAuth;
import org.vxdb.service.tls.TlsMaterial;
import org.vxdb.service.tls.TlsMaterialException;
import org.vxdb.service.tls.TlsProtocols;

/**
 * TLS for the REST/WebSocket and RESP listeners (unshaded Netty): a server context built from the
 * coordinator's {@link TlsMaterial} (its reloading key and trust managers; TLS 1.3 and 1.2, the
 * cipher suites of {@link TlsProtocols#CIPHER_SUITES}; OpenSSL through netty-tcnative's BoringSSL
 * where it loads, else the JDK provider: {@link #provider}), and the handlers that go first in each
 * connection's pipeline. A connection whose
 * handshake fails (plaintext sent to the TLS port, a client that does not trust the certificate, a
 * missing or untrusted client certificate) is closed; the listener goes on serving.
 */
public final class ListenerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerTls.class);

    private ListenerTls() {
    }

    /** Presents the material's certificate; asks clients for one per {@code clientAuth}, trusting the CA bundle. */
    public static SslContext server(TlsMaterial material, ClientAuth clientAuth) {
        SslContextBuilder builder = SslContextBuilder.forServer(material.keyManager()).sslProvider(provider())
                .protocols(TlsProtocols.ENABLED).sessionTimeout(TlsProtocols.SESSION_TIMEOUT_SECONDS)
                .ciphers(TlsProtocols.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
        if (clientAuth != ClientAuth.NONE) {
            builder.trustManager(material.trustManager());
        }
        builder.clientAuth(switch (clientAuth) {
            case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
            case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
            case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
        });
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsMaterialException("cannot build a TLS context for the listeners: " + e.getMessage(), e);
        }
    }

    /**
     * OpenSSL (netty-tcnative's BoringSSL) where it loads, else the JDK's provider: the JDK engine
     * costs noticeably more per TLS record (docs/performance.md, Security). The key manager is asked
     * at every handshake by both, so reloaded certificates reach new connections either way.
     */
    public static SslProvider provider() {
        return io.netty.handler.ssl.OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** "OpenSSL (BoringSSL)" or "JDK": for start-up log lines. */
    public static String providerName() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL (" + io.netty.handler.ssl.OpenSsl.versionString() + ")"
                : TlsProtocols.PROVIDER;
    }

    /** Puts TLS first in a new connection's pipeline: every byte after it is decrypted. */
    static void addFirst(SocketChannel channel, SslContext tls, String protocol) {
        channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
        channel.pipeline().addLast("tls-failures", new HandshakeFailures(protocol));
    }

    /**
     * Ends a connection whose TLS failed with a debug line, not as a failure of the protocol's
     * handler. It sees only what the TLS handler and the socket raise: later handlers' exceptions
     * travel on from where they were raised.
     */
    private static final class HandshakeFailures extends ChannelInboundHandlerAdapter {
        private final String protocol;

        HandshakeFailures(String protocol) {
            this.protocol = protocol;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof NotSslRecordException || cause instanceof SSLException
                    || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
                LOG.debug("{} connection {}: TLS failed: {}", protocol, ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
