package dev.blazedb.internal.storage;

/**
 * Where the latest entry of a record lives in the log.
 *
 * @param position  the frame's position
 * @param length    the frame's length
 * @param tombstone whether the latest entry is a delete
 */
public record Slot(long position, int length, boolean tombstone) {
}
