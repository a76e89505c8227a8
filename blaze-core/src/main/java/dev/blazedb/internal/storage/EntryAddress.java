package dev.blazedb.internal.storage;

/**
 * Where an entry is: the position of its frame and its slot in the frame (see {@link LogFormat},
 * entry groups), packed in one long as the index, the sparse sequence index and the change feed
 * keep it.
 *
 * <pre>
 * bit 63     free (the index's tombstone bit, {@link RecordIndex#TOMBSTONE})
 * bits 56-61 slot: 0 for a frame's only or first entry, up to {@value #MAX_SLOT}
 * bits 0-55  the frame's position in the log file
 * </pre>
 *
 * <p>The address of a frame's first entry is the frame's position itself, so a log without
 * groups, and checkpoints written of it, hold the same values as before groups existed. Addresses
 * do not sort in log order (the slot is above the position); {@link #order} does.
 */
public final class EntryAddress {

    /** The highest slot; a group holds at most {@code MAX_SLOT + 1} entries. */
    public static final int MAX_SLOT = 63;
    private static final int SLOT_SHIFT = 56;
    private static final long FRAME_MASK = (1L << SLOT_SHIFT) - 1;
    private static final int ORDER_SHIFT = 6;

    private EntryAddress() {
    }

    /** The address of entry {@code slot} of the frame at {@code framePosition}. */
    public static long of(long framePosition, int slot) {
        return framePosition | (long) slot << SLOT_SHIFT;
    }

    /** The position of the frame an entry is in. */
    public static long frame(long address) {
        return address & FRAME_MASK;
    }

    /** The entry's slot in its frame. */
    public static int slot(long address) {
        return (int) (address >>> SLOT_SHIFT) & MAX_SLOT;
    }

    /** A key that sorts addresses in log order; {@link #fromOrder} turns it back. */
    public static long order(long address) {
        return frame(address) << ORDER_SHIFT | slot(address);
    }

    /** The address of an {@link #order} key. */
    public static long fromOrder(long order) {
        return of(order >>> ORDER_SHIFT, (int) order & MAX_SLOT);
    }
}
