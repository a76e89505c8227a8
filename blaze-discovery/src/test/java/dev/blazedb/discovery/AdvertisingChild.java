package dev.blazedb.discovery;

import dev.blazedb.NodeId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The child JVM of {@link DiscoveryCrossProcessIT}: advertises {@code args = database port nodeId
 * fingerprint} on the loopback interface, prints {@code ADVERTISED <instance name>}, and on the
 * line {@code stop} (or the end of its input) closes the discovery, which says goodbye, and
 * prints {@code CLOSED}.
 */
public final class AdvertisingChild {

    private AdvertisingChild() {
    }

    public static void main(String[] args) throws Exception {
        Advertisement ad = Advertisement.tls(args[0], Integer.parseInt(args[1]), NodeId.parse(args[2]), args[3]);
        BlazeDiscovery discovery = BlazeDiscovery.create(InetAddress.getLoopbackAddress());
        discovery.advertise(ad).block(Duration.ofSeconds(30));
        System.out.println("ADVERTISED " + ad.instanceName());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            // wait for the parent
        }
        discovery.close();
        discovery.onClose().block(Duration.ofSeconds(30));
        System.out.println("CLOSED");
        System.out.flush();
        // jmDNS leaves an idle pool thread (not a daemon) behind for a while after close().
        System.exit(0);
    }
}
