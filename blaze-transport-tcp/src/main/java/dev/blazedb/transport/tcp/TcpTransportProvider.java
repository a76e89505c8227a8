package dev.blazedb.transport.tcp;

import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.DuplexConnection;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportProvider;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.TrustManager;

/**
 * The {@code "tcp"} transport, found by {@link java.util.ServiceLoader}.
 *
 * <p>Addresses are {@code host:port} ({@code [v6-address]:port} for IPv6); port 0 binds any free
 * port. Options:
 * <ul>
 *   <li>{@value TransportProvider#MAX_FRAME_LENGTH} ({@link Integer}): the frame limit, default
 *       {@link DuplexConnection#DEFAULT_MAX_FRAME_LENGTH};</li>
 *   <li>{@code tls} ({@link Boolean}): TLS 1.3, default false;</li>
 *   <li>{@code trustManager} ({@link TrustManager}, client): how the server's certificate is
 *       trusted (core passes its pinning / CA / trust-on-first-use manager);</li>
 *   <li>{@code verifyHostName} ({@link Boolean}, client): check the host name, default false;</li>
 *   <li>{@code identity} ({@link TlsIdentity}, server): the certificate to present;</li>
 *   <li>{@code sslContext} ({@link SslContext}): a ready context, instead of the above;</li>
 *   <li>{@code maxConnections} ({@link Integer}, server): default 1024.</li>
 * </ul>
 */
public final class TcpTransportProvider implements TransportProvider {

    /** This transport's name. */
    public static final String NAME = "tcp";

    private static final Set<String> CLIENT_KEYS = Set.of(MAX_FRAME_LENGTH, "tls", "trustManager", "verifyHostName", "sslContext");
    private static final Set<String> SERVER_KEYS = Set.of(MAX_FRAME_LENGTH, "tls", "identity", "sslContext", "maxConnections");

    /** For {@link java.util.ServiceLoader}. */
    public TcpTransportProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClientTransport clientTransport(String address, Map<String, ?> options) {
        check(options, CLIENT_KEYS);
        HostPort hp = HostPort.parse(address, false);
        int max = option(options, MAX_FRAME_LENGTH, Integer.class, DuplexConnection.DEFAULT_MAX_FRAME_LENGTH);
        SslContext ssl = option(options, "sslContext", SslContext.class, null);
        if (ssl == null && option(options, "tls", Boolean.class, false)) {
            TrustManager trust = option(options, "trustManager", TrustManager.class, null);
            if (trust == null) {
                throw new IllegalArgumentException("TLS needs a trustManager (or an sslContext)");
            }
            ssl = Tls.client(trust, option(options, "verifyHostName", Boolean.class, false));
        }
        return ssl == null ? TcpClientTransport.create(hp.host(), hp.port(), max) : TcpClientTransport.secure(hp.host(), hp.port(), max, ssl);
    }

    @Override
    public ServerTransport serverTransport(String address, Map<String, ?> options) {
        check(options, SERVER_KEYS);
        HostPort hp = HostPort.parse(address, true);
        int max = option(options, MAX_FRAME_LENGTH, Integer.class, DuplexConnection.DEFAULT_MAX_FRAME_LENGTH);
        int maxConnections = option(options, "maxConnections", Integer.class, 1024);
        SslContext ssl = option(options, "sslContext", SslContext.class, null);
        if (ssl == null && option(options, "tls", Boolean.class, false)) {
            TlsIdentity identity = option(options, "identity", TlsIdentity.class, null);
            ssl = Tls.server(identity != null ? identity : TlsIdentity.selfSigned(hp.host()));
        }
        return TcpServerTransport.create(hp.host(), hp.port(), max, ssl, maxConnections);
    }

    private static void check(Map<String, ?> options, Set<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown tcp transport option '" + k + "' (known: " + known + ")");
            }
        }
    }

    private static <T> T option(Map<String, ?> options, String key, Class<T> type, T otherwise) {
        Object v = options.get(key);
        if (v == null) {
            return otherwise;
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("tcp transport option '" + key + "' must be a " + type.getSimpleName()
                    + ", not " + v.getClass().getName());
        }
        return type.cast(v);
    }

    /** A parsed {@code host:port}. */
    record HostPort(String host, int port) {
        static HostPort parse(String address, boolean allowZero) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new IllegalArgumentException("a tcp address is host:port: '" + address + "'");
            }
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a tcp address is host:port: '" + address + "'", e);
            }
            if (port < (allowZero ? 0 : 1) || port > 65535) {
                throw new IllegalArgumentException("port out of range in '" + address + "'");
            }
            return new HostPort(host, port);
        }
    }
}
