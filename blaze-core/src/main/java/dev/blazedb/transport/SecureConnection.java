package dev.blazedb.transport;

import dev.blazedb.NodeId;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A connection after a successful {@linkplain SecureSession secure handshake}: the peer is
 * authenticated; with end-to-end encryption every frame is sealed ({@link FrameSealer}).
 *
 * <p>Demand passes straight through in both directions: sealing is a {@code map} on the way out,
 * opening a {@code map} on the way in ({@link SecureInbound}), so the raw transport's bounds
 * hold unchanged. When a received frame fails to open, the receiver fails with
 * {@link dev.blazedb.TamperedFrameException}, every send in progress fails with it (so the raw
 * transport tells the peer in an error frame) and the connection closes.
 */
final class SecureConnection extends DelegatingDuplexConnection implements SecureSession.Peer {

    private final SecureInbound inbound;
    private final FrameSealer sealer;
    private final NodeId peerNode;
    private final String peerDatabase;
    private final Sinks.One<Throwable> failed = Sinks.one();
    private volatile Throwable failure;

    SecureConnection(DuplexConnection raw, SecureInbound inbound, FrameSealer sealer, NodeId peerNode, String peerDatabase) {
        super(raw);
        this.inbound = inbound;
        this.sealer = sealer;
        this.peerNode = peerNode;
        this.peerDatabase = peerDatabase;
        inbound.open(sealer == null ? f -> f : sealer::open, this::fail);
    }

    private void fail(Throwable e) {
        failure = e;
        failed.tryEmitValue(e);
        // Tell the peer, when no send is in progress to carry the error; then make sure it closes.
        SecureSession.closeWithError(delegate(), e);
    }

    @Override
    public Flux<Frame> receive() {
        return Flux.<Frame>from(inbound::attach);
    }

    @Override
    public Mono<Void> send(Publisher<Frame> frames) {
        if (sealer == null) {
            return super.send(frames);
        }
        Flux<Frame> sealed = Flux.from(frames).map(sealer::seal)
                .takeUntilOther(failed.asMono())
                .concatWith(Mono.defer(() -> failure == null ? Mono.empty() : Mono.error(failure)));
        return super.send(sealed);
    }

    @Override
    public int maxFrameLength() {
        return sealer == null ? super.maxFrameLength() : sealer.maxInnerLength();
    }

    @Override
    public NodeId peerNode() {
        return peerNode;
    }

    @Override
    public String peerDatabase() {
        return peerDatabase;
    }

    @Override
    public boolean sealed() {
        return sealer != null;
    }

    @Override
    public String toString() {
        return "SecureConnection[" + (sealer != null ? "e2e, " : "") + peerDatabase + "@" + remoteAddress() + "]";
    }
}
