package dev.blazedb;

/**
 * How frames are protected on a network transport. The memory transport never leaves the
 * process and ignores it.
 */
public enum EncryptionMode {
    /** Frames are sealed end to end with the session keys, on top of TLS where TLS is on. */
    E2E_ONLY,
    /** TLS only: a proxy that terminates TLS may read the frames. */
    SMART_PROXY
}
