package dev.blazedb;

import dev.blazedb.internal.sync.SyncCodec;

/**
 * Facts about the sync protocol that other modules publish, for example in a discovery
 * advertisement, so a peer can tell before connecting whether it speaks the same protocol.
 */
public final class SyncProtocol {

    /** The version of the sync protocol this build speaks (docs/sync.md); sent in HELLO. */
    public static final int VERSION = SyncCodec.VERSION;

    private SyncProtocol() {
    }
}
