package dev.blazedb.cli;

import dev.blazedb.BlazeDBClient;
import dev.blazedb.BlazeTopology;
import dev.blazedb.ChangeEvent;
import dev.blazedb.NodeId;
import dev.blazedb.SyncRole;
import dev.blazedb.transport.tcp.BlazeServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What {@code blaze serve} and {@code blaze connect} share: the socket option, how changes are
 * printed, and running until enough changes arrived or the process is interrupted (closing the
 * topology and the database either way, so a listener's socket file is removed).
 */
final class CrossAppSync {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    // Not required by picocli: serve also takes --port, connect HOST:PORT or --discover; each command checks.
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The Unix domain socket. Its directory is created private to you (rwx------) when "
                    + "missing, or must already be so.")
    String socket;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "TCP: the shared auth token, the first line of FILE (never on the command line).")
    java.nio.file.Path tokenFile;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "BLAZE_TOKEN",
            description = "TCP: without --token-file, read the token from environment variable NAME (default: ${DEFAULT-VALUE}).")
    String tokenVariable;

    @Option(names = "--no-tls", description = "TCP: no TLS (a warning is logged; E2E sealing still applies).")
    boolean noTls;

    /** The token from {@link #tokenFile}, else from the environment; null when neither gives one. */
    String token(CliEnvironment environment) {
        if (tokenFile == null) {
            return environment.variable(tokenVariable).filter(v -> !v.isEmpty()).orElse(null);
        }
        char[] t = DatabaseOptions.readPasswordFile(tokenFile);
        if (t.length == 0) {
            throw new CliException(ExitCodes.USAGE, "the token file " + tokenFile + " is empty");
        }
        return new String(t);
    }

    @Option(names = "--json", description = "Print each change as one JSON object per line, for scripts.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Exit after N changes from the peer (default: run until interrupted).")
    long count;

    /** One line for a change that arrived from the peer. */
    String format(ChangeEvent e) {
        String record = e.record().map(Json::write).orElse("null");
        if (json) {
            return "{\"type\":\"" + e.type() + "\",\"collection\":" + Json.write(dev.blazedb.data.BlazeValue.string(e.collection()))
                    + ",\"id\":\"" + e.recordId() + "\",\"origin\":\"" + e.origin() + "\",\"sequence\":" + e.sequence()
                    + ",\"record\":" + record + "}";
        }
        return e.type() + " " + e.collection() + "/" + e.recordId() + " from " + e.origin()
                + (e.record().isPresent() ? ": " + record : "");
    }

    /** What a command does once its node is registered: listen or connect; returns a status line. */
    interface Start {
        String start(BlazeTopology topology, NodeId node);
    }

    /**
     * What a command does with the open database when it does not register it itself (a
     * {@code BlazeServer} has a topology of its own); returns a status line. What it opens and
     * what must stay open while changes are printed goes to {@code closeLater}.
     */
    interface Open {
        String start(BlazeDBClient db, Consumer<AutoCloseable> closeLater);
    }

    /**
     * Opens the database, registers it with {@code role}, runs {@code start} (printing its status
     * line on standard error) and then prints the changes that arrive; closes everything on failure.
     */
    int run(DatabaseOptions database, CliEnvironment environment, CommandSpec spec, SyncRole role, Start start) {
        return run(database, environment, spec, (db, closeLater) -> {
            BlazeTopology topology = new BlazeTopology();
            closeLater.accept(topology);
            return start.start(topology, topology.register(db, DatabaseOptions.databaseName(database.file), role).block(TIMEOUT));
        });
    }

    /**
     * Opens the database, runs {@code start} (printing its status line on standard error) and then
     * prints the changes that arrive. What {@code start} handed to be closed later is closed, last
     * given first, before the database: on failure, at the end, and on Ctrl-C.
     */
    int run(DatabaseOptions database, CliEnvironment environment, CommandSpec spec, Open start) {
        BlazeDBClient db = database.open(environment, true);
        long before = db.lastSequence();
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        AutoCloseable closeAll = () -> {
            RuntimeException failure = null;
            for (AutoCloseable r; (r = resources.pollFirst()) != null; ) {
                try {
                    r.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            db.close();
            if (failure != null) {
                throw failure;
            }
        };
        try {
            String status = start.start(db, resources::addFirst);
            PrintWriter err = spec.commandLine().getErr();
            err.println(status);
            err.flush();
        } catch (RuntimeException e) {
            try {
                closeAll.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // Before a clean exit (--count reached), what this side wrote is delivered: the peer
        // may be waiting for it (an initial sync both ways), and closing would cut it off.
        Mono<Void> idle = Flux.fromIterable(List.copyOf(resources)).concatMap(r -> r instanceof BlazeTopology t ? t.awaitIdle()
                : r instanceof BlazeServer server ? server.awaitIdle() : Mono.<Void>empty()).then();
        printChanges(db, before, idle, closeAll, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /**
     * Prints the database's remote changes as they arrive until {@link #count} of them did (or
     * forever), waits (up to {@link #TIMEOUT}) for {@code idle}, then runs {@code closeAll}
     * (which closes the database too); on Ctrl-C only the latter.
     */
    private void printChanges(BlazeDBClient db, long afterSequence, Mono<Void> idle, AutoCloseable closeAll, PrintWriter out) {
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    closeAll.close();
                } catch (Exception e) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }
        };
        Thread hook = new Thread(close, "blaze-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // From the sequence taken before connecting: changes that arrive before this subscription
            // (an initial sync can be that fast) are replayed, not missed.
            Flux<ChangeEvent> remote = db.changes(afterSequence).filter(ChangeEvent::isRemote);
            (count > 0 ? remote.take(count) : remote).doOnNext(e -> {
                out.println(format(e));
                out.flush();
            }).blockLast();
            try {
                idle.block(TIMEOUT);
            } catch (RuntimeException notIdle) {
                // the peer went away or is still busy: closing is all that is left
            }
        } finally {
            close.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: nothing to remove
            }
        }
    }
}
