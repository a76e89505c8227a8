package dev.blazedb.transport.memory;

import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportProvider;
import java.util.Map;

/**
 * The {@link TransportProvider} named {@value #NAME}: the address is the server's name; the one
 * option is {@link TransportProvider#MAX_FRAME_LENGTH} (an {@link Integer}, or a string of digits).
 */
public final class MemoryTransportProvider implements TransportProvider {

    /** The transport's name. */
    public static final String NAME = "memory";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public MemoryTransportProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClientTransport clientTransport(String address, Map<String, ?> options) {
        MemoryClientTransport transport = MemoryClientTransport.create(address);
        Integer max = maxFrameLength(options);
        return max == null ? transport : transport.maxFrameLength(max);
    }

    @Override
    public ServerTransport serverTransport(String address, Map<String, ?> options) {
        MemoryServerTransport transport = MemoryServerTransport.create(address);
        Integer max = maxFrameLength(options);
        return max == null ? transport : transport.maxFrameLength(max);
    }

    private static Integer maxFrameLength(Map<String, ?> options) {
        Integer max = null;
        for (Map.Entry<String, ?> option : options.entrySet()) {
            if (!MAX_FRAME_LENGTH.equals(option.getKey())) {
                throw new IllegalArgumentException("the memory transport has no option '" + option.getKey()
                        + "' (it knows: " + MAX_FRAME_LENGTH + ")");
            }
            Object value = option.getValue();
            if (value instanceof Integer) {
                max = (Integer) value;
            } else if (value instanceof String && ((String) value).matches("[0-9]{1,10}")) {
                long parsed = Long.parseLong((String) value);
                if (parsed > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(MAX_FRAME_LENGTH + " is too large: " + value);
                }
                max = (int) parsed;
            } else {
                throw new IllegalArgumentException(MAX_FRAME_LENGTH + " must be an Integer or a string of digits: " + value);
            }
        }
        return max;
    }

    @Override
    public String toString() {
        return "MemoryTransportProvider";
    }
}
