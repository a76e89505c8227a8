package dev.blazedb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * On linux-x86_64, the platform whose BoringSSL build this module ships, TLS runs on it: a native
 * library that silently failed to load would otherwise fall back to the JDK's provider, which
 * works but costs twice the handshake time (docs/tcp-security.md).
 */
class TlsProviderTest {

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
    void tlsRunsOnBoringSslWhereItShips() {
        assertThat(Tls.PROVIDER).isEqualTo(SslProvider.OPENSSL);
        assertThat(io.netty.handler.ssl.OpenSsl.versionString()).contains("BoringSSL");
    }
}
