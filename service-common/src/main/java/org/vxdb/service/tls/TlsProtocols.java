package org.vxdb.service.tls;

import java.util.List;

/**
 * What every VxDB TLS endpoint speaks: TLS 1.3 and 1.2 only; the JDK's TLS provider, except for gRPC,
 * which uses OpenSSL where grpc-netty-shaded's BoringSSL loads ({@link GrpcTls#provider}).
 */
public final class TlsProtocols {

    /** In order of preference. */
    public static final List<String> ENABLED = List.of("TLSv1.3", "TLSv1.2");

    /**
     * The cipher suites of every listener, in order of preference: AEAD ciphers only, and in TLS 1.2
     * only with ECDHE (forward secrecy). The same as grpc-java's HTTP/2 list, which gRPC uses.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The provider of the REST, WebSocket, RESP and operations listeners: the JDK's own (SunJSSE). */
    public static final String PROVIDER = "JDK";

    /**
     * How long a server lets a client resume a TLS session (session tickets) without a full
     * handshake. A resumed session keeps the certificates checked in its full handshake, so this
     * bounds how long a rotated-out certificate or a CA removed from the bundle still counts.
     */
    public static final long SESSION_TIMEOUT_SECONDS = 300;

    private TlsProtocols() {
    }

    public static String[] enabled() {
        return ENABLED.toArray(String[]::new);
    }

    /** "TLSv1.3 and TLSv1.2 with the JDK provider": for start-up log lines. */
    public static String summary() {
        return String.join(" and ", ENABLED) + " with the " + PROVIDER + " provider";
    }

    /**
     * "TLSv1.3 and TLSv1.2; gRPC with the OpenSSL (...) provider, the other listeners with the JDK
     * provider": for start-up log lines.
     *
     * @param othersProvider the provider of the server's other TLS listeners
     */
    public static String summaryWithGrpc(String othersProvider) {
        return String.join(" and ", ENABLED) + "; gRPC with the " + GrpcTls.providerName() + " provider, the other"
                + " listeners with the " + othersProvider + " provider";
    }
}
