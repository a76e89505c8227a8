package dev.blazedb.discovery;

import dev.blazedb.transport.tcp.BlazeServer;
import dev.blazedb.transport.tcp.ServerAdvertiser;
import java.net.InetAddress;
import java.net.UnknownHostException;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * {@link ServerAdvertiser} over mDNS, which {@code BlazeServer.builder().advertise(true)} finds
 * with {@link java.util.ServiceLoader}: each server gets its own {@link BlazeDiscovery}, on the
 * interface the server is bound to (the default interface when it is bound to all of them), and
 * stopping the server withdraws the advertisement and closes that discovery in the background.
 */
public final class MdnsServerAdvertiser implements ServerAdvertiser {

    /** Created by {@link java.util.ServiceLoader}. */
    public MdnsServerAdvertiser() {
    }

    @Override
    public Mono<Disposable> advertise(BlazeServer server) {
        return Mono.defer(() -> {
            BlazeDiscovery discovery = discoveryFor(server.host());
            return discovery.advertise(server)
                    .doOnError(e -> discovery.close())
                    .thenReturn((Disposable) discovery::close);
        });
    }

    /** A discovery on the interface of {@code bindHost}, or on the default one for a wildcard address. */
    static BlazeDiscovery discoveryFor(String bindHost) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            throw new DiscoveryException("cannot advertise: the server's host " + bindHost + " does not resolve", e);
        }
        return address.isAnyLocalAddress() ? BlazeDiscovery.create() : BlazeDiscovery.create(address);
    }
}
