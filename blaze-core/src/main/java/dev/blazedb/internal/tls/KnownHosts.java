package dev.blazedb.internal.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Server certificate fingerprints a client trusted on first use, per {@code host:port/database},
 * as SSH's known hosts: in memory, and for a file database in a text file beside it
 * ({@code <database file>.known-hosts}, one {@code host:port/database fingerprint} per line).
 *
 * <p>The file is read when the store is opened (blocking: do it while setting up) and written in
 * the background on {@code boundedElastic}, atomically (temp file + move), so the TLS handshake
 * that remembers a new server never blocks its event loop.
 */
public final class KnownHosts {

    private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);
    private static final ConcurrentMap<Path, KnownHosts> OPEN = new ConcurrentHashMap<>();

    private final Path file;
    private final ConcurrentMap<String, String> entries = new ConcurrentHashMap<>();

    private KnownHosts(Path file) {
        this.file = file;
    }

    /** A store that lives only in memory. */
    public static KnownHosts inMemory() {
        return new KnownHosts(null);
    }

    /**
     * The store kept in {@code file}, shared by every connection of this process that uses it;
     * reads the file on first use (blocking).
     */
    public static KnownHosts file(Path file) {
        return OPEN.computeIfAbsent(file.toAbsolutePath(), f -> {
            KnownHosts k = new KnownHosts(f);
            k.load();
            return k;
        });
    }

    /** The known-hosts file beside a database file. */
    public static Path besideDatabase(Path databaseFile) {
        return databaseFile.resolveSibling(databaseFile.getFileName() + ".known-hosts");
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int sp = t.lastIndexOf(' ');
                if (sp > 0) {
                    entries.put(t.substring(0, sp).strip(), t.substring(sp + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known hosts " + file, e);
        }
    }

    /** The key of a server: {@code host:port/database}. */
    public static String key(String host, int port, String database) {
        return host + ":" + port + "/" + database;
    }

    /** The remembered fingerprint for {@code key}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * Remembers {@code fingerprint} for {@code key} unless another is already remembered.
     *
     * @return the fingerprint remembered for {@code key} afterwards
     */
    public String rememberIfAbsent(String key, String fingerprint) {
        String prior = entries.putIfAbsent(key, fingerprint);
        if (prior != null) {
            return prior;
        }
        LOG.info("trusting {} on first use: certificate SHA-256 {}", key, fingerprint);
        if (file != null) {
            Mono.fromRunnable(this::save).subscribeOn(Schedulers.boundedElastic())
                    .subscribe(null, e -> LOG.warn("cannot save known hosts {}: {}", file, e.toString()));
        }
        return fingerprint;
    }

    private synchronized void save() {
        StringBuilder b = new StringBuilder("# BlazeDB known hosts: host:port/database SHA-256 fingerprint\n");
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            b.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
