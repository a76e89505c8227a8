package dev.blazedb.transport.tcp;

import dev.blazedb.CertificateMismatchException;
import dev.blazedb.internal.netty.NettyDuplexConnection;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ConnectionRefusedException;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.TransportException;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;

/**
 * Connects to a TCP server, with TLS when given an {@link SslContext}; each connection carries
 * frames with the shared Netty framing ({@link NettyDuplexConnection}: a 4-byte length and a
 * type byte per frame, the limit checked before the body is read).
 *
 * <p>{@link #connect()} completes after the TCP connect and, with TLS, the TLS handshake. It fails
 * with {@link ConnectionRefusedException} when nobody listens, with
 * {@link CertificateMismatchException} when the server's certificate is not trusted, and with a
 * {@link TransportException} for other failures. Demand: reads are bounded by the framing's
 * prefetch (32 frames, 1 MiB); sends by batches of 32 frames while the channel is writable.
 */
public final class TcpClientTransport implements ClientTransport {

    private final String host;
    private final int port;
    private final int maxFrameLength;
    private final SslContext ssl;
    private final Duration connectTimeout;

    private TcpClientTransport(String host, int port, int maxFrameLength, SslContext ssl, Duration connectTimeout) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is 1..65535: " + port);
        }
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive");
        }
        this.port = port;
        this.maxFrameLength = maxFrameLength;
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
    }

    /**
     * A plain TCP client transport.
     *
     * @param host the server's host
     * @param port the server's port
     * @param maxFrameLength the frame limit (the server's must be the same)
     * @return the transport
     */
    public static TcpClientTransport create(String host, int port, int maxFrameLength) {
        return new TcpClientTransport(host, port, maxFrameLength, null, Duration.ofSeconds(10));
    }

    /**
     * A TLS client transport.
     *
     * @param host the server's host
     * @param port the server's port
     * @param maxFrameLength the frame limit (the server's must be the same)
     * @param ssl the client TLS context (see {@link TcpTransportProvider} for how trust is set up)
     * @return the transport
     */
    public static TcpClientTransport secure(String host, int port, int maxFrameLength, SslContext ssl) {
        return new TcpClientTransport(host, port, maxFrameLength, Objects.requireNonNull(ssl, "ssl"), Duration.ofSeconds(10));
    }

    @Override
    public Mono<DuplexConnection> connect() {
        TcpClient client = TcpClient.create()
                .host(host)
                .port(port)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_RCVBUF, TcpServerTransport.SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, TcpServerTransport.SOCKET_BUFFER);
        if (ssl != null) {
            client = client.secure(spec -> spec.sslContext(ssl).handshakeTimeout(Tls.HANDSHAKE_TIMEOUT));
        }
        return client.connect()
                .map(connection -> (DuplexConnection) new NettyDuplexConnection(connection, maxFrameLength, null))
                .onErrorMap(this::translate);
    }

    private Throwable translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateMismatchException) {
                return t;
            }
            if (t instanceof ConnectException) {
                return new ConnectionRefusedException("nobody accepts connections at " + host + ":" + port
                        + ": " + t.getMessage(), e);
            }
        }
        if (e instanceof SSLException) {
            return new TransportException("the TLS handshake with " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
        if (e instanceof TransportException) {
            return e;
        }
        return new TransportException("connecting to " + host + ":" + port + " failed: " + e, e);
    }

    @Override
    public String toString() {
        return "TcpClientTransport[" + host + ":" + port + (ssl != null ? ", TLS" : "") + "]";
    }
}
