package dev.blazedb.transport;

import dev.blazedb.NodeId;
import dev.blazedb.ProtocolException;
import dev.blazedb.ProtocolVersionException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * The hello each side sends first in the {@linkplain SecureSession secure handshake}: who it is
 * and its ephemeral key. Frame type {@link SecureSession#CLIENT_HELLO} or
 * {@link SecureSession#SERVER_HELLO}; the payload is
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    version    |     capabilities (u16)        |               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+               +
 * |              node id: UUID, 16 bytes (msb, lsb)               |
 * +                                               +-+-+-+-+-+-+-+-+
 * |                                               |     0x04      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ephemeral P-256 public key, SEC1 uncompressed: X (32), Y (32) |
 * +                                               +-+-+-+-+-+-+-+-+
 * |                                               |  name length  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          database name: UTF-8, 1 to 255 bytes              ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Offsets: version 0, capabilities 1-2 (big-endian; bit 0 = {@link #CAP_E2E}, bit 1 =
 * {@link #CAP_TOKEN}, other bits ignored), node id 3-18, key 19-83, name length 84, name 85-.
 * Nothing may follow the name. The version is read first: a peer of another version is told
 * so ({@link ProtocolVersionException}) whatever the rest holds.
 */
record SecureHello(int version, int capabilities, NodeId nodeId, byte[] publicKey, String database) {

    /** The handshake version this code speaks. */
    static final int VERSION = 1;
    /** The sender asks for frames sealed end to end (AES-256-GCM). */
    static final int CAP_E2E = 1;
    /** The sender holds an auth token and will prove it. */
    static final int CAP_TOKEN = 1 << 1;

    static final int KEY_LENGTH = 65;
    static final int MAX_NAME_LENGTH = 255;
    private static final int FIXED_LENGTH = 1 + 2 + 16 + KEY_LENGTH + 1;

    SecureHello {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(database, "database");
    }

    boolean has(int capability) {
        return (capabilities & capability) != 0;
    }

    byte[] encode() {
        byte[] name = database.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a database name must be 1 to " + MAX_NAME_LENGTH + " UTF-8 bytes: " + database);
        }
        if (publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an uncompressed P-256 key has 65 bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(FIXED_LENGTH + name.length);
        b.put((byte) version).putShort((short) capabilities)
                .putLong(nodeId.uuid().getMostSignificantBits()).putLong(nodeId.uuid().getLeastSignificantBits())
                .put(publicKey).put((byte) name.length).put(name);
        return b.array();
    }

    /**
     * Parses a hello.
     *
     * @throws ProtocolVersionException if the version is not {@link #VERSION}
     * @throws ProtocolException if the bytes are not a well-formed hello
     */
    static SecureHello decode(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate();
        if (!b.hasRemaining()) {
            throw new ProtocolException("secure hello: empty");
        }
        int version = b.get() & 0xFF;
        if (version != VERSION) {
            throw new ProtocolVersionException(VERSION, version, "secure handshake: this side speaks version " + VERSION
                    + ", the peer version " + version);
        }
        if (b.remaining() < FIXED_LENGTH - 1) {
            throw new ProtocolException("secure hello: " + (b.remaining() + 1) + " bytes, at least " + FIXED_LENGTH + " needed");
        }
        int capabilities = b.getShort() & 0xFFFF;
        NodeId node = new NodeId(new UUID(b.getLong(), b.getLong()));
        byte[] key = new byte[KEY_LENGTH];
        b.get(key);
        if (key[0] != 0x04) {
            throw new ProtocolException("secure hello: the key at byte 19 is not an uncompressed point (0x04), but 0x"
                    + Integer.toHexString(key[0] & 0xFF));
        }
        int nameLength = b.get() & 0xFF;
        if (nameLength == 0) {
            throw new ProtocolException("secure hello: empty database name at byte 84");
        }
        if (b.remaining() != nameLength) {
            throw new ProtocolException("secure hello: the database name at byte 85 has " + nameLength
                    + " bytes but " + b.remaining() + " follow");
        }
        byte[] name = new byte[nameLength];
        b.get(name);
        String database;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name));
            database = chars.toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("secure hello: the database name at byte 85 is not valid UTF-8", e);
        }
        return new SecureHello(version, capabilities, node, key, database);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecureHello h && version == h.version && capabilities == h.capabilities
                && nodeId.equals(h.nodeId) && Arrays.equals(publicKey, h.publicKey) && database.equals(h.database);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, capabilities, nodeId, Arrays.hashCode(publicKey), database);
    }

    @Override
    public String toString() {
        return "SecureHello[v" + version + ", caps=" + capabilities + ", node=" + nodeId + ", db=" + database + "]";
    }
}
