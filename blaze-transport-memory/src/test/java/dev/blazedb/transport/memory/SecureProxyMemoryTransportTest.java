package dev.blazedb.transport.memory;

import dev.blazedb.EncryptionMode;

/** The secure session in SMART_PROXY mode (authenticated, frames not sealed) keeps the transport contract. */
class SecureProxyMemoryTransportTest extends SecureMemoryTransportTck {

    SecureProxyMemoryTransportTest() {
        super(EncryptionMode.SMART_PROXY);
    }
}
