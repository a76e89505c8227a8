package dev.blazedb.transport;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds {@link TransportProvider}s on the class path by name.
 *
 * <p>Providers are looked up with {@link ServiceLoader}, in the thread's context class loader and
 * in the class loader of this class; the first provider of a name wins. Lookups are not cached:
 * they happen when connections are set up, not per frame. A lookup reads the class path, which is
 * blocking I/O: do it while setting up, not on an event-loop or {@code parallel()} thread (or
 * wrap it in {@code Mono.fromCallable(..).subscribeOn(Schedulers.boundedElastic())}).
 */
public final class Transports {

    /** The Maven group of the project's own transport modules. */
    private static final String GROUP = "dev.blazedb";

    /** Bounds the retries after provider errors, in case the iterator keeps failing. */
    private static final int MAX_BROKEN_PROVIDERS = 32;

    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "memory", "blaze-transport-memory",
            "uds", "blaze-transport-uds",
            "tcp", "blaze-transport-tcp");

    private Transports() {
    }

    /**
     * The provider named {@code name}.
     *
     * @param name the transport name, such as {@code "memory"}
     * @return the provider
     * @throws TransportNotFoundException if none is on the class path; the message names the Maven
     *     artifact to add (for example {@code dev.blazedb:blaze-transport-memory})
     */
    public static TransportProvider provider(String name) {
        Objects.requireNonNull(name, "name");
        List<Throwable> broken = new ArrayList<>();
        Map<String, TransportProvider> found = load(broken);
        TransportProvider provider = found.get(name);
        if (provider != null) {
            return provider;
        }
        TransportNotFoundException missing = new TransportNotFoundException(name, missingMessage(name, found.keySet()));
        broken.forEach(missing::addSuppressed);
        throw missing;
    }

    /**
     * The provider named {@code name}, if one is on the class path.
     *
     * @param name the transport name
     * @return the provider, or empty
     */
    public static Optional<TransportProvider> find(String name) {
        Objects.requireNonNull(name, "name");
        return Optional.ofNullable(load(new ArrayList<>()).get(name));
    }

    /**
     * Every provider on the class path, one per name.
     *
     * @return the providers, in discovery order
     */
    public static List<TransportProvider> available() {
        return List.copyOf(load(new ArrayList<>()).values());
    }

    /**
     * A client transport of the transport named {@code name}: shorthand for
     * {@code provider(name).clientTransport(address, options)}.
     *
     * @param name the transport name
     * @param address where the server is, in that transport's syntax
     * @param options transport options; may be empty
     * @return the client transport
     * @throws TransportNotFoundException if the transport is not on the class path
     */
    public static ClientTransport clientTransport(String name, String address, Map<String, ?> options) {
        return provider(name).clientTransport(address, options);
    }

    /**
     * A server transport of the transport named {@code name}: shorthand for
     * {@code provider(name).serverTransport(address, options)}.
     *
     * @param name the transport name
     * @param address where to listen, in that transport's syntax
     * @param options transport options; may be empty
     * @return the server transport
     * @throws TransportNotFoundException if the transport is not on the class path
     */
    public static ServerTransport serverTransport(String name, String address, Map<String, ?> options) {
        return provider(name).serverTransport(address, options);
    }

    /**
     * The Maven coordinates ({@code group:artifact}) of the module that provides the transport
     * named {@code name}, for the project's own transports.
     *
     * @param name the transport name
     * @return the coordinates, or empty for a name the project does not ship
     */
    public static Optional<String> artifactFor(String name) {
        String artifact = KNOWN_ARTIFACTS.get(name);
        return artifact == null ? Optional.empty() : Optional.of(GROUP + ":" + artifact);
    }

    private static String missingMessage(String name, Iterable<String> available) {
        String present = "available: " + String.join(", ", available);
        Optional<String> artifact = artifactFor(name);
        if (artifact.isPresent()) {
            return "The '" + name + "' transport is not on the class path: add the Maven artifact "
                    + artifact.get() + " (version managed by dev.blazedb:blaze-bom) to your dependencies ("
                    + present + ")";
        }
        return "No transport named '" + name + "' is on the class path: a transport module registers a "
                + TransportProvider.class.getName() + " in META-INF/services (" + present + ")";
    }

    private static Map<String, TransportProvider> load(List<Throwable> broken) {
        Map<String, TransportProvider> found = new LinkedHashMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = Transports.class.getClassLoader();
        if (context != null) {
            loadFrom(context, found, broken);
        }
        if (own != context) {
            loadFrom(own, found, broken);
        }
        return found;
    }

    private static void loadFrom(ClassLoader loader, Map<String, TransportProvider> found, List<Throwable> broken) {
        Iterator<TransportProvider> providers = ServiceLoader.load(TransportProvider.class, loader).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return;
                }
                TransportProvider provider = providers.next();
                found.putIfAbsent(provider.name(), provider);
            } catch (ServiceConfigurationError error) {
                // One broken provider must not hide the others; report it if the lookup fails.
                broken.add(error);
                if (broken.size() > MAX_BROKEN_PROVIDERS) {
                    return;
                }
            }
        }
    }
}
