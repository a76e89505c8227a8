package dev.blazedb.transport;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable message exchanged over a {@link DuplexConnection}: a type and a payload of bytes.
 *
 * <p>The type is an unsigned byte ({@code 0..255}); the sync protocol defines its message types
 * in {@code 0..}{@value #MAX_APPLICATION_TYPE}. Types from {@value #FIRST_RESERVED_TYPE} up are
 * reserved for transports (for example {@link ErrorFrames#TYPE}); {@link DuplexConnection#send}
 * refuses them.
 *
 * <h2>Ownership</h2>
 * Frames are meant to be cheap: the memory transport hands the very same instance to the peer,
 * so nothing is copied on the way. {@link #wrap(int, byte[])} therefore takes <em>ownership</em>
 * of the array it is given, without copying it: the caller must not modify the array afterwards,
 * and neither may anyone else. {@link #copyOf(int, byte[])} copies, for callers that keep using
 * their array. The payload is exposed read-only ({@link #payload()}), or copied out
 * ({@link #toByteArray()}, {@link #copyTo(byte[], int)}), so a frame cannot change once created
 * and may be shared between threads and kept by a receiver for as long as it likes.
 *
 * <p>Two frames are equal when their types and payload bytes are equal.
 */
public final class Frame {

    /** The largest frame type. */
    public static final int MAX_TYPE = 0xFF;

    /** The largest frame type a protocol on top of the transports may use. */
    public static final int MAX_APPLICATION_TYPE = 0xEF;

    /** The first of the frame types reserved for transports ({@code 0xF0..0xFF}). */
    public static final int FIRST_RESERVED_TYPE = 0xF0;

    private static final byte[] EMPTY = new byte[0];

    private final int type;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    private Frame(int type, byte[] bytes, int offset, int length) {
        this.type = type;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /**
     * A frame whose payload is {@code payload}, taking ownership of the array without copying it.
     *
     * @param type the frame type, {@code 0..255}
     * @param payload the payload; it must not be modified afterwards
     * @return the frame
     * @throws IllegalArgumentException if the type is out of range
     */
    public static Frame wrap(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return new Frame(checkType(type), payload, 0, payload.length);
    }

    /**
     * A frame whose payload is {@code length} bytes of {@code payload} from {@code offset}, taking
     * ownership of that range without copying it.
     *
     * @param type the frame type, {@code 0..255}
     * @param payload the array holding the payload; the range must not be modified afterwards
     * @param offset the index of the first payload byte
     * @param length the payload length
     * @return the frame
     * @throws IllegalArgumentException if the type is out of range
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public static Frame wrap(int type, byte[] payload, int offset, int length) {
        Objects.requireNonNull(payload, "payload");
        Objects.checkFromIndexSize(offset, length, payload.length);
        return new Frame(checkType(type), payload, offset, length);
    }

    /**
     * A frame whose payload is a copy of {@code payload}.
     *
     * @param type the frame type, {@code 0..255}
     * @param payload the bytes to copy
     * @return the frame
     * @throws IllegalArgumentException if the type is out of range
     */
    public static Frame copyOf(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return new Frame(checkType(type), payload.clone(), 0, payload.length);
    }

    /**
     * A frame whose payload is a copy of the remaining bytes of {@code payload}; the buffer's
     * position is not changed.
     *
     * @param type the frame type, {@code 0..255}
     * @param payload the bytes to copy, from its position to its limit
     * @return the frame
     * @throws IllegalArgumentException if the type is out of range
     */
    public static Frame copyOf(int type, ByteBuffer payload) {
        Objects.requireNonNull(payload, "payload");
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        return new Frame(checkType(type), copy, 0, copy.length);
    }

    /**
     * A frame with an empty payload.
     *
     * @param type the frame type, {@code 0..255}
     * @return the frame
     * @throws IllegalArgumentException if the type is out of range
     */
    public static Frame empty(int type) {
        return new Frame(checkType(type), EMPTY, 0, 0);
    }

    private static int checkType(int type) {
        if (type < 0 || type > MAX_TYPE) {
            throw new IllegalArgumentException("frame type must be in 0.." + MAX_TYPE + ": " + type);
        }
        return type;
    }

    /**
     * The frame type, {@code 0..255}.
     *
     * @return the type
     */
    public int type() {
        return type;
    }

    /**
     * Whether the type is one reserved for transports ({@value #FIRST_RESERVED_TYPE} and up).
     *
     * @return true for a reserved type
     */
    public boolean isReserved() {
        return type >= FIRST_RESERVED_TYPE;
    }

    /**
     * The payload length in bytes.
     *
     * @return the length
     */
    public int length() {
        return length;
    }

    /**
     * A read-only view of the payload, position 0 and limit {@link #length()}; a new view on each
     * call, so callers may move its position freely. Nothing is copied.
     *
     * @return the view
     */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * The payload byte at {@code index}.
     *
     * @param index the index, {@code 0..length()-1}
     * @return the byte
     * @throws IndexOutOfBoundsException if the index is outside the payload
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return bytes[offset + index];
    }

    /**
     * Copies the payload into {@code destination} at {@code destinationOffset}.
     *
     * @param destination the array to copy into
     * @param destinationOffset where the first byte goes
     * @throws IndexOutOfBoundsException if the payload does not fit
     */
    public void copyTo(byte[] destination, int destinationOffset) {
        Objects.checkFromIndexSize(destinationOffset, length, destination.length);
        System.arraycopy(bytes, offset, destination, destinationOffset, length);
    }

    /**
     * A copy of the payload.
     *
     * @return a new array holding the payload
     */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Frame)) {
            return false;
        }
        Frame that = (Frame) other;
        return type == that.type
                && Arrays.equals(bytes, offset, offset + length, that.bytes, that.offset, that.offset + that.length);
    }

    @Override
    public int hashCode() {
        int h = 31 + type;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "Frame[type=" + type + ", length=" + length + "]";
    }
}
