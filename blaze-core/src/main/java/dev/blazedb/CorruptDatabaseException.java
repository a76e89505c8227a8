package dev.blazedb;

/**
 * A damaged database file: an entry, header or checkpoint that fails authentication or does not
 * parse. The message and {@link #position()} name the damaged byte offset; BlazeDB never returns
 * data from a damaged entry.
 */
public class CorruptDatabaseException extends BlazeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long position;

    /**
     * Creates an exception for damage at {@code position} of {@code file}.
     *
     * @param file     the damaged file, as a path string
     * @param position the byte offset of the damaged structure in that file, or -1 when unknown
     * @param what     what is damaged and how it was detected
     */
    public CorruptDatabaseException(String file, long position, String what) {
        super(what + " at byte position " + position + " of " + file);
        this.file = file;
        this.position = position;
    }

    /**
     * Creates an exception for damage at {@code position} of {@code file}, with a cause.
     *
     * @param file     the damaged file, as a path string
     * @param position the byte offset of the damaged structure in that file, or -1 when unknown
     * @param what     what is damaged and how it was detected
     * @param cause    the underlying failure
     */
    public CorruptDatabaseException(String file, long position, String what, Throwable cause) {
        super(what + " at byte position " + position + " of " + file, cause);
        this.file = file;
        this.position = position;
    }

    /** The damaged file, as a path string. */
    public String file() {
        return file;
    }

    /** The byte offset of the damaged structure in {@link #file()}, or -1 when unknown. */
    public long position() {
        return position;
    }
}
