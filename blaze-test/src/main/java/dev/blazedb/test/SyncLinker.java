package dev.blazedb.test;

import dev.blazedb.BlazeTopology;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * How the sync kit ({@link SyncCluster}, {@link ConvergenceCheck}, {@link SyncTck}) links two nodes
 * of one topology: the one thing a transport supplies to run the kit's scenarios over itself.
 *
 * <p>The linked nodes keep the roles of {@link SyncPolicy#mode()}: {@code from} is the master of
 * {@code READ_ONLY}, {@code to} the replica. Examples:
 * <pre>{@code
 * SyncLinker memory = SyncLinker.local();                        // BlazeTopology.connectLocal
 * SyncLinker uds = (t, from, to, policy) ->                        // a transport of the topology's own
 *         t.connectCrossApp(from, to, socketPath(), policy.mode());
 * SyncLinker tcp = SyncLinker.listenAndConnect(                    // any ServerTransport / ClientTransport
 *         name -> TcpServerTransport.create("127.0.0.1", 0),
 *         address -> TcpClientTransport.create((InetSocketAddress) address));
 * }</pre>
 */
@FunctionalInterface
public interface SyncLinker {

    /**
     * Links {@code from} and {@code to}, both registered in {@code topology}.
     *
     * @return a connection of the link (either side's), completing after the handshake
     */
    Mono<SyncConnection> link(BlazeTopology topology, NodeId from, NodeId to, SyncPolicy policy);

    /** {@link BlazeTopology#connectLocal(NodeId, NodeId, SyncPolicy)}: the in-memory transport. */
    static SyncLinker local() {
        return (topology, from, to, policy) -> topology.connectLocal(from, to, policy);
    }

    /**
     * {@code from} listens ({@link BlazeTopology#listen}) on a new server transport, and {@code to}
     * connects to the address it was bound to ({@link BlazeTopology#connect}); the connection
     * returned is {@code to}'s. Each link gets its own server, closed with the topology.
     *
     * @param servers a server transport for a fresh, unique name (bind to port 0 or a unique path)
     * @param clients a client transport for the address the server was bound to
     */
    static SyncLinker listenAndConnect(Function<String, ServerTransport> servers,
                                       Function<SocketAddress, ClientTransport> clients) {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(clients, "clients");
        AtomicLong names = new AtomicLong();
        return (topology, from, to, policy) -> Mono.defer(() -> {
            String name = "blaze-sync-kit-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
                    + names.incrementAndGet();
            return topology.listen(from, servers.apply(name), policy)
                    .flatMap(listener -> topology.connect(to, clients.apply(listener.address()), policy));
        });
    }
}
