package dev.blazedb.transport.memory;

import dev.blazedb.EncryptionMode;

/** The secure session with end-to-end sealing keeps the whole transport contract, over the memory transport. */
class SecureE2eMemoryTransportTest extends SecureMemoryTransportTck {

    SecureE2eMemoryTransportTest() {
        super(EncryptionMode.E2E_ONLY);
    }
}
