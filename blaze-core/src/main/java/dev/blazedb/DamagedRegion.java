package dev.blazedb;

/**
 * A range of the log that a salvage open skipped because it failed authentication or did not
 * parse.
 *
 * @param position the byte offset where the damage starts
 * @param length   the number of bytes skipped
 * @param reason   how the damage was detected
 */
public record DamagedRegion(long position, long length, String reason) {
}
