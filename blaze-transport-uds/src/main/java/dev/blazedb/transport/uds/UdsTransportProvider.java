package dev.blazedb.transport.uds;

import dev.blazedb.transport.ClientTransport;
import dev.blazedb.transport.ServerTransport;
import dev.blazedb.transport.TransportProvider;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@link TransportProvider} named {@value #NAME}: the address is the socket file's path.
 *
 * <p>Options: {@link TransportProvider#MAX_FRAME_LENGTH} (an {@link Integer} or digits);
 * {@value #MODE} ({@code auto}, {@code epoll} or {@code nio}, or a {@link UdsTransportMode});
 * {@value #ALLOWED_UIDS} (a collection of numbers, or comma-separated digits) admitting peers of
 * other users; {@value #REQUIRE_PRIVATE_DIRECTORY} (server only; a {@link Boolean} or
 * {@code true}/{@code false}).
 */
public final class UdsTransportProvider implements TransportProvider {

    /** The transport's name. */
    public static final String NAME = "uds";

    /** Option: which I/O path, see {@link UdsTransportMode}. */
    public static final String MODE = "mode";

    /** Option: other user ids admitted as peers. */
    public static final String ALLOWED_UIDS = "allowedUids";

    /** Option (server): whether the socket's directory must be private. */
    public static final String REQUIRE_PRIVATE_DIRECTORY = "requirePrivateDirectory";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public UdsTransportProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ClientTransport clientTransport(String address, Map<String, ?> options) {
        UdsClientTransport transport = UdsClientTransport.create(Path.of(address));
        for (Map.Entry<String, ?> option : options.entrySet()) {
            Object value = option.getValue();
            switch (option.getKey()) {
                case MAX_FRAME_LENGTH:
                    transport = transport.maxFrameLength(intValue(MAX_FRAME_LENGTH, value));
                    break;
                case MODE:
                    transport = transport.mode(modeValue(value));
                    break;
                case ALLOWED_UIDS:
                    transport = transport.allowUids(uidsValue(value));
                    break;
                default:
                    throw unknown(option.getKey(), MAX_FRAME_LENGTH + ", " + MODE + ", " + ALLOWED_UIDS);
            }
        }
        return transport;
    }

    @Override
    public ServerTransport serverTransport(String address, Map<String, ?> options) {
        UdsServerTransport transport = UdsServerTransport.create(Path.of(address));
        for (Map.Entry<String, ?> option : options.entrySet()) {
            Object value = option.getValue();
            switch (option.getKey()) {
                case MAX_FRAME_LENGTH:
                    transport = transport.maxFrameLength(intValue(MAX_FRAME_LENGTH, value));
                    break;
                case MODE:
                    transport = transport.mode(modeValue(value));
                    break;
                case ALLOWED_UIDS:
                    transport = transport.allowUids(uidsValue(value));
                    break;
                case REQUIRE_PRIVATE_DIRECTORY:
                    transport = transport.requirePrivateDirectory(booleanValue(value));
                    break;
                default:
                    throw unknown(option.getKey(),
                            MAX_FRAME_LENGTH + ", " + MODE + ", " + ALLOWED_UIDS + ", " + REQUIRE_PRIVATE_DIRECTORY);
            }
        }
        return transport;
    }

    private static IllegalArgumentException unknown(String key, String known) {
        return new IllegalArgumentException("the uds transport has no option '" + key + "' (it knows: " + known + ")");
    }

    private static int intValue(String key, Object value) {
        if (value instanceof Integer) {
            return (Integer) value;
        }
        if (value instanceof String && ((String) value).matches("[0-9]{1,9}")) {
            return Integer.parseInt((String) value);
        }
        throw new IllegalArgumentException(key + " must be an Integer or a string of digits: " + value);
    }

    private static UdsTransportMode modeValue(Object value) {
        if (value instanceof UdsTransportMode) {
            return (UdsTransportMode) value;
        }
        if (value instanceof String) {
            try {
                return UdsTransportMode.valueOf(((String) value).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(MODE + " must be auto, epoll or nio: " + value);
    }

    private static boolean booleanValue(Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean((String) value);
        }
        throw new IllegalArgumentException(REQUIRE_PRIVATE_DIRECTORY + " must be a Boolean, true or false: " + value);
    }

    private static Set<Long> uidsValue(Object value) {
        Set<Long> uids = new LinkedHashSet<>();
        Iterable<?> items = value instanceof Iterable ? (Iterable<?>) value
                : value instanceof String ? java.util.Arrays.asList(((String) value).split(",")) : null;
        if (items == null) {
            throw new IllegalArgumentException(ALLOWED_UIDS + " must be a collection of numbers or comma-separated digits: " + value);
        }
        for (Object item : items) {
            if (item instanceof Number) {
                uids.add(((Number) item).longValue());
            } else if (item instanceof String && ((String) item).trim().matches("[0-9]{1,10}")) {
                uids.add(Long.parseLong(((String) item).trim()));
            } else if (!(item instanceof String && ((String) item).isBlank())) {
                throw new IllegalArgumentException(ALLOWED_UIDS + " holds something that is not a uid: " + item);
            }
        }
        return uids;
    }

    @Override
    public String toString() {
        return "UdsTransportProvider";
    }
}
