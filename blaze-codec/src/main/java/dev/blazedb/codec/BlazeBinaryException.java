package dev.blazedb.codec;

/**
 * A malformed BlazeBinary input: what is wrong and at which byte offset.
 *
 * <p>The offset counts from the first byte of the record (the {@code B} of the magic), not from
 * the start of the array or buffer that holds it. It points at the first byte of the item that
 * is wrong: the tag of an unknown tag, the length field of a length that exceeds the remaining
 * input, the first byte of an invalid UTF-8 sequence, the first byte of a duplicate key, the first
 * byte after the record for trailing garbage, the CRC32 trailer for a checksum mismatch, or the
 * end of the input when it stops where an item should begin.
 *
 * <p>The decoders of {@link BlazeBinary} throw only this exception for bad input, never another
 * runtime exception and never an out-of-memory error caused by a hostile length.
 */
public class BlazeBinaryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final long offset;

    /**
     * Creates an exception for a malformed input.
     *
     * @param reason what is wrong, without the offset (it is appended to the message)
     * @param offset the byte offset from the first byte of the record
     */
    public BlazeBinaryException(String reason, long offset) {
        super(reason + " (at byte offset " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    /** The byte offset of the offending item, counted from the first byte of the record. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without the offset. */
    public String reason() {
        return reason;
    }
}
