package dev.blazedb.transport.tcp;

import dev.blazedb.BlazeException;
import java.util.ServiceLoader;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Advertises a started {@link BlazeServer} on the network, for
 * {@link BlazeServer.Builder#advertise(boolean)}. The module {@code dev.blazedb:blaze-discovery}
 * implements it over mDNS and is found with {@link ServiceLoader}, so this module does not depend
 * on it (discovery depends on this module, for {@code BlazeDiscovery.advertise(BlazeServer)}).
 */
public interface ServerAdvertiser {

    /**
     * Starts advertising {@code server}, which is started (its port bound, its TLS identity
     * loaded).
     *
     * @param server the server to advertise
     * @return emits, once advertised, a handle whose {@code dispose()} withdraws the
     *         advertisement without blocking
     */
    Mono<Disposable> advertise(BlazeServer server);

    /**
     * The advertiser on the class path.
     *
     * @return the first one {@link ServiceLoader} finds
     * @throws BlazeException naming the module to add when there is none
     */
    static ServerAdvertiser load() {
        return ServiceLoader.load(ServerAdvertiser.class, ServerAdvertiser.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new BlazeException("BlazeServer.builder().advertise(true) needs the module "
                        + "dev.blazedb:blaze-discovery on the class path"));
    }
}
