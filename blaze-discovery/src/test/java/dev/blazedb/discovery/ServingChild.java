package dev.blazedb.discovery;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.ChangeEvent;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The child JVM of {@link DiscoveryTcpCrossProcessIT}: serves an in-memory database named
 * {@code args[0]} with the token {@code args[1]} on 127.0.0.1, advertised over mDNS
 * ({@code advertise(true)}), and prints {@code SERVING <port> <node id> <fingerprint>}. It prints
 * {@code GOT <id>} for every record that arrives from a peer; on the line {@code insert} it writes
 * a record and prints {@code INSERTED <id>}; on {@code stop} (or the end of its input) it stops.
 */
public final class ServingChild {

    private ServingChild() {
    }

    public static void main(String[] args) throws Exception {
        Duration timeout = Duration.ofSeconds(60);
        try (BlazeDBClient db = BlazeDBClient.inMemory(args[0]);
                BlazeServer server = BlazeServer.builder().database(args[0]).host("127.0.0.1").port(0).localDB(db)
                        .authToken(args[1]).advertise(true).build()) {
            db.changes().filter(ChangeEvent::isRemote).subscribe(e -> say("GOT " + e.recordId()));
            server.start().block(timeout);
            say("SERVING " + server.port() + " " + db.nodeId() + " " + server.tlsFingerprint());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                if (line.equals("insert")) {
                    UUID id = db.insert(BlazeDataRecord.builder().put("message", "from the child").build());
                    say("INSERTED " + id);
                }
            }
            server.stop().block(timeout);
        }
        say("STOPPED");
        // jmDNS leaves an idle pool thread (not a daemon) behind for a while after close().
        System.exit(0);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
