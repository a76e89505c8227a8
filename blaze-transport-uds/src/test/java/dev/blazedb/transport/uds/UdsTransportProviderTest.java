package dev.blazedb.transport.uds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.transport.Transports;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider is found by name and rejects options it does not know, naming them. */
class UdsTransportProviderTest {

    @Test
    void theProviderIsFoundByNameAndTakesItsOptions() {
        assertThat(Transports.provider("uds")).isInstanceOf(UdsTransportProvider.class);
        UdsClientTransport client = (UdsClientTransport) Transports.clientTransport("uds", "/tmp/x/s.sock",
                Map.of("maxFrameLength", "4096", "mode", "nio", "allowedUids", List.of(1000L)));
        assertThat(client.path().toString()).isEqualTo("/tmp/x/s.sock");
        UdsServerTransport server = (UdsServerTransport) Transports.serverTransport("uds", "relative.sock",
                Map.of("requirePrivateDirectory", false, "allowedUids", "1000, 1001", "mode", UdsTransportMode.AUTO));
        assertThat(server.path()).isAbsolute();
    }

    @Test
    void unknownOrMistypedOptionsAreRefusedByName() {
        assertThatThrownBy(() -> Transports.clientTransport("uds", "/tmp/s.sock", Map.of("requirePrivateDirectory", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requirePrivateDirectory");
        assertThatThrownBy(() -> Transports.serverTransport("uds", "/tmp/s.sock", Map.of("mode", "kqueue")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, epoll or nio");
        assertThatThrownBy(() -> Transports.serverTransport("uds", "/tmp/s.sock", Map.of("allowedUids", List.of("root"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a uid");
        assertThatThrownBy(() -> Transports.serverTransport("uds", "", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
