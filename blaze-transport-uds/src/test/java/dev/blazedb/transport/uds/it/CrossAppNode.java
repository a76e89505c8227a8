package dev.blazedb.transport.uds.it;

import dev.blazedb.Argon2Params;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeOptions;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ConnectionMode;
import dev.blazedb.Durability;
import dev.blazedb.NodeId;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The second app of the cross-process ITs: a child JVM that opens its own database file, serves
 * it on a Unix socket ({@code listen}) or connects to one ({@code connect}), and then obeys one
 * command per line on standard input, answering on standard output.
 *
 * <pre>
 * args: listen|connect DB_FILE SOCKET_PATH NODE_NAME
 * out:  READY node-id | ERROR message (exit 2)
 *       REMOTE type id message     for each remote change whose message does not start with "bulk"
 * in:   insert MESSAGE             -> INSERTED id
 *       bulk N PREFIX              -> BULK done   (N single inserts)
 *       stream PREFIX              -> W id        per insert, forever (SYNC durability: W means on disk)
 *       update ID MESSAGE | delete ID -> OK
 *       waitget ID MESSAGE|NONE    -> GOT ID MESSAGE|NONE, once the record looks like that
 *       waitcount N                -> COUNT N, once the database holds N records
 *       digest                     -> DIGEST count sha256-of-sorted-ids
 *       quit                       -> closes everything and exits 0
 * </pre>
 */
public final class CrossAppNode {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private CrossAppNode() {
    }

    private static void out(String line) {
        System.out.println(line);
    }

    /**
     * Entry point.
     *
     * @param args role, database file, socket path, node name
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String role = args[0];
        Path file = Path.of(args[1]);
        String socket = args[2];
        String name = args[3];
        BlazeOptions options = BlazeOptions.builder().argon2(Argon2Params.of(1024, 1, 1)).durability(Durability.SYNC).build();
        BlazeTopology.Options topologyOptions = BlazeTopology.Options.builder()
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.5).build();
        try (BlazeDBClient db = BlazeDBClient.open(name, file, "cross-app-password".toCharArray(), options);
             BlazeTopology topology = new BlazeTopology(topologyOptions)) {
            NodeId id = topology.register(db, name, SyncRole.SERVER).block(TIMEOUT);
            db.changes().filter(ChangeEvent::isRemote).subscribe(e -> {
                String message = e.record().flatMap(r -> r.string("message")).orElse("");
                if (!message.startsWith("bulk")) {
                    out("REMOTE " + e.type() + " " + e.recordId() + " " + message);
                }
            });
            try {
                if (role.equals("listen")) {
                    topology.listenCrossApp(id, socket).block(TIMEOUT);
                } else {
                    topology.connectCrossApp(id, socket, ConnectionMode.BIDIRECTIONAL).block(TIMEOUT);
                }
            } catch (RuntimeException e) {
                out("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
                System.out.flush();
                System.exit(2);
            }
            out("READY " + id);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("quit")) {
                    break;
                }
                command(db, line);
            }
        }
        out("BYE");
    }

    private static BlazeDataRecord message(String text) {
        return BlazeDataRecord.builder().put("message", text).build();
    }

    private static void command(BlazeDBClient db, String line) throws Exception {
        String[] words = line.split(" ", 3);
        switch (words[0]) {
            case "insert":
                out("INSERTED " + db.insert(message(line.substring("insert ".length()))));
                break;
            case "bulk":
                for (int i = 0; i < Integer.parseInt(words[1]); i++) {
                    db.insert(message(words[2] + "-" + i));
                }
                out("BULK done");
                break;
            case "stream":
                Thread writer = new Thread(() -> {
                    for (long i = 0; ; i++) {
                        out("W " + db.insert(message("bulk-" + words[1] + "-" + i)));
                    }
                }, "stream");
                writer.setDaemon(true);
                writer.start();
                break;
            case "update":
                db.update(UUID.fromString(words[1]), message(words[2]));
                out("OK");
                break;
            case "delete":
                db.delete(UUID.fromString(words[1]));
                out("OK");
                break;
            case "waitget":
                waitGet(db, UUID.fromString(words[1]), words[2]);
                break;
            case "waitcount":
                long want = Long.parseLong(words[1]);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (db.count() != want && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                out("COUNT " + db.count());
                break;
            case "digest":
                out("DIGEST " + digest(db));
                break;
            default:
                out("UNKNOWN " + line);
        }
    }

    private static void waitGet(BlazeDBClient db, UUID id, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> message = db.fetch(id).flatMap(r -> r.string("message"));
            if (expected.equals("NONE") ? message.isEmpty() : message.equals(Optional.of(expected))) {
                out("GOT " + id + " " + expected);
                return;
            }
            Thread.sleep(5);
        }
        out("GOT " + id + " TIMEOUT " + db.fetch(id));
    }

    /** The record count and a SHA-256 over the sorted record ids: equal on two nodes iff they hold the same ids. */
    public static String digest(BlazeDBClient db) throws Exception {
        List<String> ids = db.fetchAll().stream()
                .map(r -> r.uuid("id").map(UUID::toString).orElseThrow())
                .sorted()
                .collect(Collectors.toList());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String id : ids) {
            sha.update(id.getBytes(StandardCharsets.US_ASCII));
        }
        return ids.size() + " " + HexFormat.of().formatHex(sha.digest());
    }
}
