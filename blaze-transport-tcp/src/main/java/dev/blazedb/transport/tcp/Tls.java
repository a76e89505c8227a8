package dev.blazedb.transport.tcp;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * TLS 1.3 contexts, the one way this module builds them: on BoringSSL (Netty's {@code OPENSSL}
 * provider, netty-tcnative) where its native library loads, else on the JDK's provider.
 */
final class Tls {

    static final String PROTOCOL = "TLSv1.3";

    /**
     * How long a TLS handshake may take, both sides: Reactor Netty's 10 s is too tight for a
     * burst of hundreds of handshakes on a loaded 2-core machine; a peer that never finishes is
     * still cut off.
     */
    static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** BoringSSL when its native library loads here, else the JDK's TLS. */
    static final SslProvider PROVIDER = io.netty.handler.ssl.OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

    private Tls() {
    }

    /**
     * A client context that decides trust with {@code trust}; host names are verified only when
     * {@code verifyHostName} (trust from CAs), since a pinned or remembered certificate identifies
     * the server by itself.
     */
    static SslContext client(TrustManager trust, boolean verifyHostName) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(PROVIDER)
                    .protocols(PROTOCOL)
                    .trustManager(trust)
                    .endpointIdentificationAlgorithm(verifyHostName ? "HTTPS" : null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** A server context presenting {@code identity}. */
    static SslContext server(TlsIdentity identity) {
        try {
            return SslContextBuilder.forServer(identity.privateKey(), identity.chain())
                    .sslProvider(PROVIDER)
                    .protocols(PROTOCOL)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS with " + identity + ": " + e.getMessage(), e);
        }
    }
}
