package dev.blazedb.transport.memory;

import dev.blazedb.transport.ConnectionClosedException;
import dev.blazedb.transport.ErrorFrames;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One in-memory connection: its two ends, the two one-way pipes between them, and the close state
 * they share (a memory link closes as a whole, like a socket).
 */
final class MemoryLink {

    static final int CLIENT = 0;
    static final int SERVER = 1;

    private static final AtomicIntegerFieldUpdater<MemoryLink> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(MemoryLink.class, "closed");

    final int maxFrameLength;
    final MemoryPipe toServer;
    final MemoryPipe toClient;
    final MemoryDuplexConnection client;
    final MemoryDuplexConnection server;

    private final Sinks.Empty<Void> closeSink = Sinks.empty();
    private final Mono<Void> onClose = closeSink.asMono();
    private final Consumer<MemoryLink> closeListener;

    private volatile int closed;

    MemoryLink(MemoryAddress serverAddress, MemoryAddress clientAddress, int maxFrameLength,
            Consumer<MemoryLink> closeListener) {
        this.maxFrameLength = maxFrameLength;
        this.closeListener = closeListener;
        this.toServer = new MemoryPipe(this, SERVER);
        this.toClient = new MemoryPipe(this, CLIENT);
        this.client = new MemoryDuplexConnection(this, CLIENT, toClient, toServer, serverAddress);
        this.server = new MemoryDuplexConnection(this, SERVER, toServer, toClient, clientAddress);
    }

    boolean isClosed() {
        return closed != 0;
    }

    Mono<Void> onClose() {
        return onClose;
    }

    /**
     * Closes both ends, once. A null cause is a clean close: both receivers complete. Otherwise
     * the initiator's receiver fails with a ConnectionClosedException caused by it and the other
     * end's with the RemoteTransportException an error frame would have produced.
     */
    void close(int initiator, Throwable cause) {
        if (!CLOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        Throwable forInitiator = null;
        Throwable forPeer = null;
        if (cause != null) {
            forInitiator = new ConnectionClosedException("connection closed because of a failure on this side: " + cause, cause);
            forPeer = ErrorFrames.toRemote(cause);
        }
        // The pipe towards a side is that side's inbound.
        toClient.close(initiator == CLIENT ? forInitiator : forPeer, cause);
        toServer.close(initiator == SERVER ? forInitiator : forPeer, cause);
        // Only the CAS winner emits, so this cannot fail.
        closeSink.tryEmitEmpty();
        closeListener.accept(this);
    }
}
