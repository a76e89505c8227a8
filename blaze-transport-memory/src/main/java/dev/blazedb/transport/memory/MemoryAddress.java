package dev.blazedb.transport.memory;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * The address of one end of an in-memory connection: a memory server's name, or, for the client
 * end seen from the server, the server's name with a connection number ({@code name#7}).
 */
public final class MemoryAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    private final String name;

    /**
     * The address named {@code name}.
     *
     * @param name the name, not empty
     * @throws IllegalArgumentException if the name is empty
     */
    public MemoryAddress(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a memory address needs a name");
        }
        this.name = name;
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemoryAddress && ((MemoryAddress) other).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "memory:" + name;
    }
}
