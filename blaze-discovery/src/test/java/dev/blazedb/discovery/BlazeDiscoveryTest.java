package dev.blazedb.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Checks that need no mDNS traffic; the loopback ITs cover advertising and browsing. */
class BlazeDiscoveryTest {

    @Test
    void anInterfaceWithoutMulticastIsRefusedClearly() {
        InetAddress address = InetAddress.getLoopbackAddress();
        assertThatThrownBy(() -> BlazeDiscovery.checkInterface(address, "tun0", true, false, false))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("network interface tun0 (127.0.0.1) does not support multicast, which mDNS needs; choose an interface that does");
    }

    @Test
    void aDownInterfaceIsRefusedClearly() {
        assertThatThrownBy(() -> BlazeDiscovery.checkInterface(InetAddress.getLoopbackAddress(), "eth9", false, false, true))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("network interface eth9 (127.0.0.1) is down");
    }

    @Test
    void theLoopbackInterfaceIsAcceptedThoughLinuxDoesNotFlagItMulticast() {
        assertThatCode(() -> BlazeDiscovery.checkInterface(InetAddress.getLoopbackAddress(), "lo", true, true, false))
                .doesNotThrowAnyException();
    }

    @Test
    void anAddressOfNoLocalInterfaceIsRefused() throws Exception {
        InetAddress elsewhere = InetAddress.getByName("203.0.113.7"); // TEST-NET-3, never on this machine
        assertThatThrownBy(() -> BlazeDiscovery.create(elsewhere))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("no network interface of this machine has the address 203.0.113.7");
    }

    @Test
    void theWildcardAddressIsRefused() throws Exception {
        assertThatThrownBy(() -> BlazeDiscovery.create(InetAddress.getByName("0.0.0.0")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("not the wildcard address");
    }

    @Test
    void serviceTypeIsTheDocumentedOne() {
        assertThat(BlazeDiscovery.SERVICE_TYPE).isEqualTo("_blazedb._tcp.local.");
    }
}
