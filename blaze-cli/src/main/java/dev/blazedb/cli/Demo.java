package dev.blazedb.cli;

import dev.blazedb.BlazeCollection;
import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.ChangeType;
import dev.blazedb.ConnectionMode;
import dev.blazedb.InvalidPasswordException;
import dev.blazedb.NodeId;
import dev.blazedb.SyncConnection;
import dev.blazedb.SyncPolicy;
import dev.blazedb.SyncRole;
import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.discovery.BlazeDiscovery;
import dev.blazedb.discovery.DiscoveredDatabase;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import reactor.core.Disposable;

/**
 * The tour {@code blaze demo} gives: a list of {@link Step}s run in order against shared state.
 * Later features (sync over each transport) add steps to {@link #steps()}.
 */
final class Demo {

    /** One step of the tour: a title, and what it does and prints. */
    interface Step {
        /** A short imperative title, printed as the step's heading. */
        String title();

        /** Runs the step, printing through {@link Demo#say}. */
        void run(Demo demo) throws Exception;
    }

    private record SimpleStep(String title, Action action) implements Step {
        @Override
        public void run(Demo demo) throws Exception {
            action.run(demo);
        }
    }

    /** What a step does. */
    @FunctionalInterface
    interface Action {
        /** Does it. */
        void run(Demo demo) throws Exception;
    }

    /** A step with {@code title} that does {@code action}. */
    static Step step(String title, Action action) {
        return new SimpleStep(title, action);
    }

    /** The tour's steps, in order. */
    static List<Step> steps() {
        return List.of(
                step("Create an encrypted database", Demo::create),
                step("Subscribe to the change stream", Demo::subscribe),
                step("Write records", Demo::write),
                step("Close the database", Demo::closeDatabase),
                step("Reopen it with the same password and fetch a record by id", Demo::reopen),
                step("Try a wrong password", Demo::wrongPassword),
                step("Sync two in-memory databases", Demo::syncInMemory),
                step("Sync with a second process over a Unix socket", Demo::syncCrossApp),
                step("Find a TCP server by name over mDNS and sync with it both ways", Demo::discoverAndConnect),
                step("Clean up", Demo::cleanUp));
    }

    static final String PASSWORD = "correct horse battery staple";
    static final String WRONG_PASSWORD = "battery horse staple correct";
    static final String HELLO = "Hello from DB1!";
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final String INDENT = "      ";

    private final PrintWriter out;
    private final boolean keep;
    private final Map<String, Duration> timings = new LinkedHashMap<>();
    private final List<ChangeEvent> events = new ArrayList<>();
    private final long started = System.nanoTime();

    private Path folder;
    private Path file;
    private BlazeDBClient db;
    private Disposable subscription;
    private NodeId nodeId;
    private UUID helloId;
    private int replayed;
    private long lastSequence;
    private boolean wrongPasswordRefused;
    private boolean filesUntouched;
    private boolean plaintextFound;
    private double syncFirstMicros = Double.NaN;
    private double syncMedianMicros = Double.NaN;
    private boolean syncSeen;
    private boolean discoveredSynced;

    Demo(PrintWriter out, boolean keep) {
        this.out = out;
        this.keep = keep;
    }

    /** Runs {@code steps} in order, then prints a summary; cleans up even when a step fails. */
    void run(List<Step> steps) throws Exception {
        say("BlazeDB demo: an encrypted, embedded document database, in " + steps.size() + " steps.");
        say("");
        try {
            int n = 0;
            for (Step step : steps) {
                n++;
                say("[" + n + "/" + steps.size() + "] " + step.title());
                long t0 = System.nanoTime();
                step.run(this);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                timings.put(step.title(), took);
                say(INDENT + "(" + millis(took) + ")");
                say("");
            }
            summary();
        } finally {
            releaseQuietly();
        }
    }

    /** Prints one line; safe from any thread (change events arrive on the database's threads). */
    synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    private void detail(String line) {
        say(INDENT + line);
    }

    // --- the steps -----------------------------------------------------------------------------

    private void create() throws IOException {
        folder = Files.createTempDirectory("blaze-demo-");
        file = folder.resolve("demo.blazedb");
        long t0 = System.nanoTime();
        db = BlazeDBClient.open("demo", file, PASSWORD.toCharArray());
        Duration opened = Duration.ofNanos(System.nanoTime() - t0);
        nodeId = db.nodeId();
        detail("BlazeDBClient.open(\"demo\", file, password)");
        detail("file      " + file);
        detail("password  \"" + PASSWORD + "\"");
        detail("          -> Argon2id derives the key; every entry is sealed with AES-256-GCM");
        detail("node id   " + nodeId + " (identifies this database when it syncs)");
        detail("opened in " + millis(opened) + " (most of it is the deliberately slow key derivation)");
    }

    private void subscribe() {
        subscription = db.changes().subscribe(this::onChange, this::onChangeError);
        detail("db.changes() is a hot Flux<ChangeEvent>: each committed write arrives here, in order,");
        detail("and is printed below as \"change #sequence TYPE collection/id\".");
    }

    private void write() {
        BlazeDataRecord hello = BlazeDataRecord.builder().put("message", HELLO).put("value", 42L).build();
        detail("db.insert(" + Json.write(hello) + ")");
        helloId = db.insert(hello);
        awaitChange(helloId, ChangeType.INSERT);

        BlazeDataRecord second = BlazeDataRecord.builder()
                .put("message", "Records are documents of typed values")
                .put("tags", BlazeValue.array(List.of(BlazeValue.string("typed"), BlazeValue.string("encrypted"))))
                .put("score", 9.5)
                .build();
        detail("db.insert(" + Json.write(second) + ")");
        UUID secondId = db.insert(second);
        awaitChange(secondId, ChangeType.INSERT);

        BlazeCollection tasks = db.collection("tasks");
        Instant due = Instant.parse("2030-01-01T09:00:00Z");
        List<BlazeDataRecord> todo = List.of(
                task("Read the README", false, due),
                task("Run blaze demo", true, due),
                task("Sync two databases", false, due.plus(Duration.ofDays(7))));
        detail("db.collection(\"tasks\").insertMany(3 records)   (atomic: all or none)");
        List<UUID> taskIds = tasks.insertMany(todo);
        taskIds.forEach(id -> awaitChange(id, ChangeType.INSERT));

        BlazeDataRecord changes = BlazeDataRecord.builder().put("score", 10.0).build();
        detail("db.update(id, " + Json.write(changes) + ")   (merges the fields, sets updatedAt)");
        db.update(secondId, changes);
        awaitChange(secondId, ChangeType.UPDATE);

        detail("tasks.delete(\"Run blaze demo\")");
        tasks.delete(taskIds.get(1));
        awaitChange(taskIds.get(1), ChangeType.DELETE);

        detail("now: " + db.count() + " records in \"default\", " + tasks.count() + " in \"tasks\"");
    }

    private static BlazeDataRecord task(String title, boolean done, Instant due) {
        return BlazeDataRecord.builder()
                .put("title", title)
                .put("done", done)
                .put("due", BlazeValue.date(due))
                .build();
    }

    private void closeDatabase() throws IOException {
        subscription.dispose();
        db.close();
        db = null;
        long size = folderSize();
        plaintextFound = containsInFolder(HELLO.getBytes(StandardCharsets.UTF_8));
        detail("db.close()");
        detail("on disk: " + size + " bytes in " + fileNames());
        detail("is \"" + HELLO + "\" readable in the file? " + (plaintextFound ? "YES (unexpected!)" : "no, it is encrypted"));
    }

    private void reopen() {
        long t0 = System.nanoTime();
        db = BlazeDBClient.open("demo", file, PASSWORD.toCharArray());
        Duration opened = Duration.ofNanos(System.nanoTime() - t0);
        detail("BlazeDBClient.open(\"demo\", file, password)   opened in " + millis(opened));
        detail("node id " + db.nodeId() + (db.nodeId().equals(nodeId) ? " (the same as before)" : " (CHANGED!)"));
        detail("db.fetch(" + helloId + "):");
        Optional<BlazeDataRecord> hello = db.fetch(helloId);
        if (hello.isEmpty()) {
            throw new IllegalStateException("the record " + helloId + " is missing after reopening");
        }
        for (String line : Json.writePretty(hello.get()).split("\n")) {
            detail("  " + line);
        }
        List<ChangeEvent> replay = db.changes(0)
                .takeUntil(e -> e.sequence() >= lastSequence)
                .collectList()
                .block(EVENT_TIMEOUT);
        replayed = replay == null ? 0 : replay.size();
        detail("db.changes(0) replays the log: " + replayed + " committed changes, then would continue live");
        db.close();
        db = null;
    }

    private void wrongPassword() throws IOException {
        Map<Path, String> before = fingerprints();
        detail("BlazeDBClient.open(\"demo\", file, \"" + WRONG_PASSWORD + "\")");
        try (BlazeDBClient intruder = BlazeDBClient.open("demo", file, WRONG_PASSWORD.toCharArray())) {
            throw new IllegalStateException("a wrong password opened the database " + intruder.name());
        } catch (InvalidPasswordException expected) {
            wrongPasswordRefused = true;
            detail("refused: " + expected.getClass().getSimpleName() + ": " + expected.getMessage());
        }
        filesUntouched = before.equals(fingerprints());
        detail("files in the folder unchanged (SHA-256 before and after): " + (filesUntouched ? "yes" : "NO!"));
    }

    /** Writes made to measure the sync latency once the JVM is warm. */
    private static final int SYNC_SAMPLES = 2000;

    private void syncInMemory() {
        detail("two in-memory databases in one topology, connected over the in-memory transport:");
        detail("topology.connectLocal(id1, id2, ConnectionMode.BIDIRECTIONAL)");
        try (BlazeDBClient db1 = BlazeDBClient.inMemory("Database1");
             BlazeDBClient db2 = BlazeDBClient.inMemory("Database2");
             BlazeTopology topology = new BlazeTopology()) {
            NodeId id1 = topology.register(db1, "Database1", SyncRole.SERVER).block(EVENT_TIMEOUT);
            NodeId id2 = topology.register(db2, "Database2", SyncRole.CLIENT).block(EVENT_TIMEOUT);
            SyncConnection connection = topology.connectLocal(id1, id2, ConnectionMode.BIDIRECTIONAL).block(EVENT_TIMEOUT);
            // B's change stream sees the write on A as a remote change, on the inserting thread,
            // before insert() returns: the time between the two is the end-to-end latency.
            long[] seenAt = {0};
            ChangeEvent[] seen = {null};
            Disposable sub = db2.changes().filter(ChangeEvent::isRemote).subscribe(e -> {
                seenAt[0] = System.nanoTime();
                seen[0] = e;
            });
            try {
                BlazeDataRecord hello = BlazeDataRecord.builder().put("message", HELLO).put("value", 42L).build();
                detail("db1.insert(" + Json.write(hello) + ")");
                long t0 = System.nanoTime();
                UUID id = db1.insert(hello);
                if (seen[0] == null) {
                    connection.awaitIdle().block(EVENT_TIMEOUT);
                }
                syncSeen = seen[0] != null && seen[0].recordId().equals(id);
                syncFirstMicros = (seenAt[0] - t0) / 1000.0;
                detail("db2.changes(): " + (seen[0] == null ? "nothing!" : seen[0].type() + " " + seen[0].recordId()
                        + " from node " + seen[0].origin() + " (remote: " + seen[0].isRemote() + ")"));
                Optional<BlazeDataRecord> synced = db2.fetch(id);
                detail("db2.fetch(id): " + synced.map(Json::write).orElse("not found"));
                long[] micros = new long[SYNC_SAMPLES];
                for (int i = 0; i < SYNC_SAMPLES; i++) {
                    long t = System.nanoTime();
                    db1.insert(BlazeDataRecord.builder().put("n", (long) i).build());
                    micros[i] = seenAt[0] - t;
                }
                java.util.Arrays.sort(micros);
                syncMedianMicros = micros[SYNC_SAMPLES / 2] / 1000.0;
                double p99 = micros[SYNC_SAMPLES * 99 / 100] / 1000.0;
                connection.awaitIdle().block(EVENT_TIMEOUT);
                detail(String.format(java.util.Locale.ROOT, "latency, insert on db1 to db2's change stream: first write %.1f us;"
                        + " the next %,d writes: median %.1f us, p99 %.1f us (a JVM this young is still compiling; the"
                        + " SyncBench harness measures a warm one)", syncFirstMicros, SYNC_SAMPLES, syncMedianMicros, p99));
                detail("db2 now holds " + db2.count() + " records; connection " + connection.state() + ", "
                        + connection.status().sent() + " changes sent, " + connection.status().pending() + " pending");
            } finally {
                sub.dispose();
            }
        }
    }

    static final String HELLO_APP1 = "Hello from App 1!";
    static final String HELLO_APP2 = "Hello from App 2!";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The original guide's cross-app example with a real second process: this process serves an
     * in-memory database on a Unix socket in the demo folder, and a second JVM running
     * {@code blaze connect --json --count 1} syncs its own database file with it.
     */
    private void syncCrossApp() throws Exception {
        Path socket = folder.resolve("sync.sock");
        Path app2File = folder.resolve("app2.blazedb");
        try (BlazeDBClient app2 = BlazeDBClient.open("app2", app2File, PASSWORD.toCharArray())) {
            app2.insert(BlazeDataRecord.builder().put("message", HELLO_APP2).build());
        }
        try (BlazeDBClient app1 = BlazeDBClient.inMemory("App1DB"); BlazeTopology topology = new BlazeTopology()) {
            NodeId id1 = topology.register(app1, "App1DB", SyncRole.SERVER).block(EVENT_TIMEOUT);
            dev.blazedb.CrossAppListener listener = topology.listenCrossApp(id1, socket.toString()).block(EVENT_TIMEOUT);
            detail("this process: topology.listenCrossApp(id1, \"" + listener.socketPath() + "\")");
            detail("  (the socket's folder is private to you: rwx------; peers of other users are refused)");
            UUID hello = app1.insert(BlazeDataRecord.builder().put("message", HELLO_APP1).build());
            detail("this process: app1.insert({\"message\": \"" + HELLO_APP1 + "\"})");
            CompletableFuture<ChangeEvent> fromApp2 = app1.changes()
                    .filter(ChangeEvent::isRemote).next().toFuture();

            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    BlazeCli.class.getName(), "connect", "--db", app2File.toString(), "--socket", socket.toString(),
                    "--json", "--count", "1");
            builder.environment().put(DatabaseOptions.DEFAULT_PASSWORD_VARIABLE, PASSWORD);
            builder.redirectErrorStream(false);
            long t0 = System.nanoTime();
            Process child = builder.start();
            detail("second process (pid " + child.pid() + "): blaze connect --db " + app2File.getFileName()
                    + " --socket " + socket.getFileName() + " --json --count 1");
            try {
                CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                });
                CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                });
                if (!child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the second process did not finish within " + CHILD_TIMEOUT);
                }
                String printed = stdout.get(10, TimeUnit.SECONDS).strip();
                detail("its output: " + printed);
                if (child.exitValue() != 0 || !printed.contains(hello.toString())) {
                    throw new IllegalStateException("the second process did not receive the record (exit " + child.exitValue()
                            + "): " + stderr.get(10, TimeUnit.SECONDS));
                }
                ChangeEvent back = fromApp2.get(EVENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                detail("and back: app1.changes(): " + back.type() + " "
                        + back.record().flatMap(r -> r.string("message")).orElse("?") + " from node " + back.origin()
                        + " (remote: " + back.isRemote() + ")");
                detail(String.format(java.util.Locale.ROOT, "the second process started, synced both ways and exited in %,d ms"
                        + " (mostly JVM start-up and its key derivation)", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
                crossAppSeen = true;
            } finally {
                child.destroyForcibly();
            }
            listener.dispose();
        }
    }

    private boolean crossAppSeen;

    private void cleanUp() throws IOException {
        if (keep) {
            detail("kept " + folder + " (--keep)");
            return;
        }
        deleteFolder();
        detail("deleted " + folder);
    }

    private synchronized void summary() {
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        say("Summary");
        Map<ChangeType, Long> byType = new EnumMap<>(ChangeType.class);
        events.forEach(e -> byType.merge(e.type(), 1L, Long::sum));
        long collections = events.stream().map(ChangeEvent::collection).distinct().count();
        detail(events.size() + " change events streamed live: " + byType.getOrDefault(ChangeType.INSERT, 0L)
                + " inserts, " + byType.getOrDefault(ChangeType.UPDATE, 0L) + " update(s), "
                + byType.getOrDefault(ChangeType.DELETE, 0L) + " delete(s) in " + collections + " collections");
        detail("closed, reopened, record " + helloId + " fetched intact; "
                + replayed + " changes replayed from the log");
        detail("wrong password " + (wrongPasswordRefused ? "refused" : "NOT refused")
                + (filesUntouched ? ", files untouched" : ", files CHANGED")
                + "; plaintext in the file: " + (plaintextFound ? "FOUND" : "none"));
        detail(String.format(java.util.Locale.ROOT, "sync: a write on db1 %s db2's change stream; latency %.1f us for the"
                + " first write, median %.1f us for the next %,d", syncSeen ? "reached" : "did NOT reach", syncFirstMicros,
                syncMedianMicros, SYNC_SAMPLES));
        detail("cross-app: a second process " + (crossAppSeen ? "synced both ways" : "did NOT sync")
                + " with this one over a Unix socket");
        detail("discovery + TCP: the server found by name over mDNS " + (discoveredSynced ? "synced" : "did NOT sync")
                + " both ways with the client (TLS 1.3, a token)");
        detail("time per step:");
        int width = timings.keySet().stream().mapToInt(String::length).max().orElse(0);
        timings.forEach((title, took) -> detail(String.format("  %-" + width + "s  %8s", title, millis(took))));
        detail(String.format("  %-" + width + "s  %8s", "total", millis(total)));
    }

    // --- change events -------------------------------------------------------------------------

    private synchronized void onChange(ChangeEvent event) {
        events.add(event);
        lastSequence = Math.max(lastSequence, event.sequence());
        say(INDENT + "  change #" + event.sequence() + " " + event.type() + " " + event.collection() + "/"
                + event.recordId() + (event.isRemote() ? " (from a peer)" : ""));
        notifyAll();
    }

    private synchronized void onChangeError(Throwable error) {
        say(INDENT + "  change stream failed: " + error);
        notifyAll();
    }

    private synchronized void awaitChange(UUID recordId, ChangeType type) {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        while (events.stream().noneMatch(e -> e.recordId().equals(recordId) && e.type() == type)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("no " + type + " change event for " + recordId + " within " + EVENT_TIMEOUT);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a change event", e);
            }
        }
    }

    // --- files ---------------------------------------------------------------------------------

    private List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private String fileNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path f : files()) {
            names.add(folder.relativize(f).toString());
        }
        return String.join(", ", names);
    }

    private long folderSize() throws IOException {
        long size = 0;
        for (Path f : files()) {
            size += Files.size(f);
        }
        return size;
    }

    private boolean containsInFolder(byte[] needle) throws IOException {
        for (Path f : files()) {
            if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private Map<Path, String> fingerprints() throws IOException {
        Map<Path, String> hashes = new LinkedHashMap<>();
        for (Path f : files()) {
            hashes.put(f, sha256(Files.readAllBytes(f)));
        }
        return hashes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private void deleteFolder() throws IOException {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * The discovery step, which is also the guide's TCP example: a BlazeServer (TLS, token) on the
     * loopback interface advertises itself over mDNS; a client finds it by database name, connects
     * with the advertised fingerprint pinned, receives a record written on the server, and the
     * server receives one written on the client.
     */
    private void discoverAndConnect() {
        String name = "ServerDB-" + UUID.randomUUID().toString().substring(0, 8);
        String token = UUID.randomUUID().toString();
        Duration mdns = Duration.ofSeconds(30);
        detail("BlazeServer.builder().database(\"" + name + "\").host(\"127.0.0.1\").port(0).authToken(token).advertise(true)");
        try (BlazeDBClient serverDb = BlazeDBClient.inMemory(name);
             BlazeDBClient clientDb = BlazeDBClient.inMemory("ClientDB");
             BlazeServer server = BlazeServer.builder().database(name).host("127.0.0.1").port(0).localDB(serverDb)
                     .authToken(token).advertise(true).build();
             BlazeDiscovery discovery = BlazeDiscovery.create(java.net.InetAddress.getLoopbackAddress());
             BlazeTopology topology = new BlazeTopology()) {
            server.start().block(mdns);
            detail("serving on 127.0.0.1:" + server.port() + " with TLS, certificate SHA-256 " + server.tlsFingerprint());
            detail("discovery.browse().filter(d -> d.name().equals(\"" + name + "\")) ...");
            long t0 = System.nanoTime();
            DiscoveredDatabase found = discovery.browse().filter(d -> d.name().equals(name) && !d.isRemoved()).blockFirst(mdns);
            if (found == null) {
                throw new IllegalStateException("the server was not found over mDNS within " + mdns.toSeconds() + " s");
            }
            detail("found after " + millis(Duration.ofNanos(System.nanoTime() - t0)) + ": " + DiscoverCommand.line(found).substring(2));
            NodeId client = topology.register(clientDb, "ClientDB", SyncRole.CLIENT).block(mdns);
            detail("topology.connectRemote(client, found.toRemoteNode(token), new SyncPolicy())  (TLS, fingerprint pinned, token proved)");
            SyncConnection connection = topology.connectRemote(client, found.toRemoteNode(token), new SyncPolicy()).block(mdns);
            UUID id = arrives(serverDb, clientDb, "Hello over TCP", mdns);
            detail("client.fetch(id): " + clientDb.fetch(id).map(Json::write).orElse("not found"));
            UUID back = arrives(clientDb, serverDb, "Hello back from the client", mdns);
            detail("and back: server.fetch(id): " + serverDb.fetch(back).map(Json::write).orElse("not found"));
            discoveredSynced = clientDb.fetch(id).isPresent() && serverDb.fetch(back).isPresent();
            connection.disconnect().block(mdns);
        }
    }

    /**
     * Writes a record with {@code message} on {@code from} and waits, up to {@code timeout}, until
     * {@code to} has applied it (read from the sequence taken before the write: nothing missed).
     */
    private static UUID arrives(BlazeDBClient from, BlazeDBClient to, String message, Duration timeout) {
        long after = to.lastSequence();
        UUID id = from.insert(BlazeDataRecord.builder().put("message", message).build());
        to.changes(after).filter(e -> e.recordId().equals(id)).blockFirst(timeout);
        return id;
    }

    private void releaseQuietly() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException e) {
                say(INDENT + "closing the database failed: " + e.getMessage());
            }
            db = null;
        }
        if (!keep) {
            try {
                deleteFolder();
            } catch (IOException | UncheckedIOException e) {
                say(INDENT + "could not delete " + folder + ": " + e.getMessage());
            }
        }
    }

    private static String millis(Duration d) {
        long micros = d.toNanos() / 1_000;
        return micros < 10_000 ? String.format("%.1f ms", micros / 1000.0) : (micros / 1000) + " ms";
    }
}
