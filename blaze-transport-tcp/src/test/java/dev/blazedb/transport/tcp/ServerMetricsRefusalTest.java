package dev.blazedb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blazedb.CertificateMismatchException;
import dev.blazedb.HandshakeTimeoutException;
import dev.blazedb.InvalidTokenException;
import dev.blazedb.MissingTokenException;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.ErrorFrames;
import dev.blazedb.transport.FrameTooLargeException;
import dev.blazedb.transport.ProtocolViolationException;
import dev.blazedb.transport.RemoteTransportException;
import dev.blazedb.transport.tcp.ServerMetrics.Refusal;
import org.junit.jupiter.api.Test;

/** Which {@code reason} tag a failed secure handshake counts under. */
class ServerMetricsRefusalTest {

    @Test
    void theServersOwnFailuresCountByTheCodeItTellsTheClient() {
        assertThat(Refusal.of(new HandshakeTimeoutException("no hello in 5 s"))).isEqualTo(Refusal.HANDSHAKE_TIMEOUT);
        assertThat(Refusal.of(new InvalidTokenException("wrong token"))).isEqualTo(Refusal.BAD_TOKEN);
        assertThat(Refusal.of(new MissingTokenException("no token"))).isEqualTo(Refusal.BAD_TOKEN);
        assertThat(Refusal.of(new CertificateMismatchException("pin", "aa", "bb"))).isEqualTo(Refusal.BAD_TOKEN);
        assertThat(Refusal.of(new FrameTooLargeException(1L << 31, 65_536))).isEqualTo(Refusal.FRAME_TOO_LARGE);
        assertThat(Refusal.of(new ProtocolException("an application frame where the hello must come")))
                .isEqualTo(Refusal.MALFORMED);
        assertThat(Refusal.of(new ProtocolVersionException(1, 9))).isEqualTo(Refusal.MALFORMED);
        assertThat(Refusal.of(new ProtocolViolationException("frame of reserved type 0xf3"))).isEqualTo(Refusal.MALFORMED);
    }

    @Test
    void aClientThatLeavesOrReportsItsOwnFailureCountsAsDisconnected() {
        assertThat(Refusal.of(new ConnectionClosedException("closed during the handshake"))).isEqualTo(Refusal.DISCONNECTED);
        assertThat(Refusal.of(new IllegalStateException("anything else"))).isEqualTo(Refusal.DISCONNECTED);
        // An error frame from the client, even one naming a protocol error, is the client's
        // account of why it gave up, not a malformed handshake the server refused.
        assertThat(Refusal.of(new RemoteTransportException(ErrorFrames.PROTOCOL_ERROR, "your hello is bad")))
                .isEqualTo(Refusal.DISCONNECTED);
        assertThat(Refusal.of(new RemoteTransportException(ErrorFrames.INVALID_TOKEN, "wrong token")))
                .isEqualTo(Refusal.DISCONNECTED);
    }
}
