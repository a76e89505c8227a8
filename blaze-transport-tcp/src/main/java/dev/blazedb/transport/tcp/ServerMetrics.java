package dev.blazedb.transport.tcp;

import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.RemoteTransportException;

/**
 * Where {@link BlazeServer} records its {@code blaze.transport.*} meters. {@link #NOOP} without a
 * meter registry; the Micrometer implementation ({@link MicrometerServerMetrics}) is loaded only
 * when one is given, so Micrometer stays an optional dependency. Thread-safe.
 */
interface ServerMetrics {

    /** Records nothing; the server then adds no handler and no decorator to its connections. */
    ServerMetrics NOOP = new ServerMetrics() {
    };

    /** Why the server closed a connection it did not (or no longer) serve; the {@code reason} tag. */
    enum Refusal {
        /** Over {@code maxConnections}. */
        MAX_CONNECTIONS("max_connections"),
        /** The TLS handshake failed or timed out (nothing of the secure session was read). */
        TLS_HANDSHAKE("tls_handshake"),
        /** The secure handshake did not finish within {@code handshakeTimeout}. */
        HANDSHAKE_TIMEOUT("handshake_timeout"),
        /** A wrong, missing or unexpected token. */
        BAD_TOKEN("bad_token"),
        /** A frame over {@code maxFrameLength} (during the handshake or after). */
        FRAME_TOO_LARGE("frame_too_large"),
        /** Not the secure handshake: unexpected frame types, a bad hello, a reserved frame type. */
        MALFORMED("malformed"),
        /** The client went away during the secure handshake. */
        DISCONNECTED("disconnected");

        private final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }

        /** The tag value. */
        String tag() {
            return tag;
        }

        /**
         * The refusal a failed secure handshake counts as: by the error code the server tells the
         * client ({@link ErrorFrames#codeOf}); a failure the client reported itself (an error
         * frame) or anything that is not the client's fault counts as {@link #DISCONNECTED}.
         */
        static Refusal of(Throwable handshakeError) {
            if (handshakeError instanceof RemoteTransportException) {
                return DISCONNECTED;
            }
            switch (ErrorFrames.codeOf(handshakeError)) {
                case ErrorFrames.HANDSHAKE_TIMEOUT:
                    return HANDSHAKE_TIMEOUT;
                case ErrorFrames.INVALID_TOKEN:
                case ErrorFrames.MISSING_TOKEN:
                case ErrorFrames.AUTHENTICATION_FAILED:
                    return BAD_TOKEN;
                case ErrorFrames.FRAME_TOO_LARGE:
                    return FRAME_TOO_LARGE;
                case ErrorFrames.PROTOCOL_ERROR:
                    return MALFORMED;
                default:
                    return DISCONNECTED;
            }
        }
    }

    /** Whether anything is recorded (otherwise the server skips the per-connection work). */
    default boolean enabled() {
        return false;
    }

    /** The server started listening (registers what lives only while it serves). */
    default void started() {
    }

    /** The server stopped (removes what {@link #started()} registered). */
    default void stopped() {
    }

    /** A connection was accepted (under the limit); it counts as active until {@link #closed()}. */
    default void accepted() {
    }

    /** An accepted connection closed. */
    default void closed() {
    }

    /** A connection was refused or closed for {@code reason}. */
    default void refused(Refusal reason) {
    }

    /** A client passed the handshake (TCP accept to secure session ready, TLS included). */
    default void handshake(long nanos) {
    }

    /** Bytes read from a socket (before TLS decryption). */
    default void bytesIn(long bytes) {
    }

    /** Bytes written to a socket (after TLS encryption). */
    default void bytesOut(long bytes) {
    }

    /** A frame received. */
    default void frameIn() {
    }

    /** A frame sent. */
    default void frameOut() {
    }

    /**
     * The metrics for {@code registry}: a Micrometer {@code MeterRegistry}, or null for none.
     *
     * @param registry the registry or null
     * @param server the server's database name (the {@code server} tag)
     * @throws IllegalArgumentException when {@code registry} is not a MeterRegistry
     */
    static ServerMetrics of(Object registry, String server) {
        return registry == null ? NOOP : MicrometerServerMetrics.create(registry, server);
    }
}
