package dev.blazedb.transport.tcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code advertise(true)} without blaze-discovery on the class path (as in this module's tests). */
class AdvertiseWithoutDiscoveryTest {

    @Test
    void startFailsNamingTheModuleToAdd() {
        try (BlazeDBClient db = BlazeDBClient.inMemory("adv");
                BlazeServer server = BlazeServer.builder().host("127.0.0.1").port(0).localDB(db).tls(false)
                        .allowUnauthenticated().advertise(true).build()) {
            assertThatThrownBy(() -> server.start().block(Duration.ofSeconds(30)))
                    .isInstanceOf(BlazeException.class)
                    .hasMessageContaining("dev.blazedb:blaze-discovery");
        }
    }
}
