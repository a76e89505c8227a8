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
        Parsed o = parse(options, false);
        UdsClientTransport transport = UdsClientTransport.create(Path.of(address));
        transport = o.maxFrameLength == null ? transport : transport.maxFrameLength(o.maxFrameLength);
        transport = o.mode == null ? transport : transport.mode(o.mode);
        return o.allowedUids == null ? transport : transport.allowUids(o.allowedUids);
    }

    @Override
    public ServerTransport serverTransport(String address, Map<String, ?> options) {
        Parsed o = parse(options, true);
        UdsServerTransport transport = UdsServerTransport.create(Path.of(address));
        transport = o.maxFrameLength == null ? transport : transport.maxFrameLength(o.maxFrameLength);
        transport = o.mode == null ? transport : transport.mode(o.mode);
        transport = o.allowedUids == null ? transport : transport.allowUids(o.allowedUids);
        return o.requirePrivateDirectory == null ? transport : transport.requirePrivateDirectory(o.requirePrivateDirectory);
    }

    /** The options given, null where absent. */
    private static final class Parsed {
        Integer maxFrameLength;
        UdsTransportMode mode;
        Set<Long> allowedUids;
        Boolean requirePrivateDirectory;
    }

    private static Parsed parse(Map<String, ?> options, boolean server) {
        Parsed parsed = new Parsed();
        for (Map.Entry<String, ?> option : options.entrySet()) {
            Object value = option.getValue();
            String key = option.getKey();
            if (MAX_FRAME_LENGTH.equals(key)) {
                parsed.maxFrameLength = intValue(MAX_FRAME_LENGTH, value);
            } else if (MODE.equals(key)) {
                parsed.mode = modeValue(value);
            } else if (ALLOWED_UIDS.equals(key)) {
                parsed.allowedUids = uidsValue(value);
            } else if (server && REQUIRE_PRIVATE_DIRECTORY.equals(key)) {
                parsed.requirePrivateDirectory = booleanValue(value);
            } else {
                throw unknown(key, MAX_FRAME_LENGTH + ", " + MODE + ", " + ALLOWED_UIDS
                        + (server ? ", " + REQUIRE_PRIVATE_DIRECTORY : ""));
            }
        }
        return parsed;
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
