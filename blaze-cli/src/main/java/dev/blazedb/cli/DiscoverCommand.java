package dev.blazedb.cli;

import dev.blazedb.data.BlazeDataRecord;
import dev.blazedb.data.BlazeValue;
import dev.blazedb.discovery.BlazeDiscovery;
import dev.blazedb.discovery.DiscoveredDatabase;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

/** {@code blaze discover}: lists the BlazeDB servers advertised on the local network as they come and go. */
@Command(
        name = "discover",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Lists the BlazeDB servers advertised on the local network over mDNS (service type "
                    + BlazeDiscovery.SERVICE_TYPE + ") as they appear and disappear.",
            "Runs until interrupted (Ctrl-C), for --timeout seconds, or with --once until the first server is found. "
                    + "Servers usually appear within 1 to 5 seconds."
        },
        footer = {
            "%nOutput, one line per change ('+' found, '~' changed, '-' gone):",
            "  + Database1  192.168.1.20:7420  node 0f8fad5b-d9cb-469f-a165-70867728950e  TLS 9f86d081...",
            "With --json, one JSON object per line with the fields change, name, host, port, nodeId, tls, "
                    + "fingerprint, protocolVersion and instance.",
            "%nExamples:",
            "  blaze discover",
            "  blaze discover --json --timeout 10",
            "  blaze discover --name Database1 --once --interface 127.0.0.1"
        })
final class DiscoverCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print each change as one JSON object per line.")
    private boolean json;

    @Option(names = "--name", paramLabel = "NAME", description = "Only servers advertising this database name.")
    private String name;

    @Option(names = "--once", description = "Print the first server found and stop (exit code 4 if none is found before --timeout).")
    private boolean once;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    private Integer timeoutSeconds;

    @Option(names = "--interface", paramLabel = "ADDRESS",
            description = "Browse on the network interface with this address (127.0.0.1: this machine only). "
                    + "Default: the interface mDNS picks.")
    private String interfaceAddress;

    @Override
    public Integer call() {
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BlazeDiscovery discovery = open(interfaceAddress)) {
            Flux<DiscoveredDatabase> changes = discovery.browse().filter(d -> name == null || d.name().equals(name));
            if (once) {
                changes = changes.filter(d -> !d.isRemoved()).take(1);
            }
            if (timeoutSeconds != null) {
                changes = changes.take(Duration.ofSeconds(timeoutSeconds));
            }
            if (!json) {
                err.println("Looking for BlazeDB servers" + (name == null ? "" : " named " + name) + " on "
                        + (interfaceAddress == null ? "the default interface" : interfaceAddress)
                        + (timeoutSeconds == null ? " (Ctrl-C to stop)" : " for " + timeoutSeconds + " s") + "...");
                err.flush();
            }
            int printed = 0;
            // Printed on this thread, not jmDNS's: toIterable hands over through a bounded queue.
            for (DiscoveredDatabase d : changes.toIterable()) {
                out.println(json ? Json.write(record(d)) : line(d));
                out.flush();
                printed++;
            }
            if (once && printed == 0) {
                throw new CliException(ExitCodes.NOT_FOUND, "no BlazeDB server" + (name == null ? "" : " named " + name)
                        + " found within " + timeoutSeconds + " s");
            }
        }
        return ExitCodes.OK;
    }

    /** A discovery on {@code address}, or on the interface mDNS picks when it is null. */
    static BlazeDiscovery open(String address) {
        if (address == null) {
            return BlazeDiscovery.create();
        }
        try {
            return BlazeDiscovery.create(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new CliException(ExitCodes.USAGE, "--interface: not an address: " + address);
        }
    }

    /** One human-readable line. */
    static String line(DiscoveredDatabase d) {
        String sign = switch (d.change()) {
            case FOUND -> "+";
            case UPDATED -> "~";
            case REMOVED -> "-";
        };
        return sign + " " + d.name() + "  " + hostPort(d) + "  node " + d.nodeId()
                + (d.tls() ? "  TLS" + d.fingerprint().map(f -> " " + f).orElse("") : "  no TLS")
                + (d.isCompatible() ? "" : "  (protocol " + d.protocolVersion() + ", not this build's)");
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    static String hostPort(DiscoveredDatabase d) {
        return (d.host().contains(":") ? "[" + d.host() + "]" : d.host()) + ":" + d.port();
    }

    /** The fields {@code --json} prints. */
    static BlazeDataRecord record(DiscoveredDatabase d) {
        Map<String, BlazeValue> fields = new LinkedHashMap<>();
        fields.put("change", BlazeValue.string(d.change().name()));
        fields.put("name", BlazeValue.string(d.name()));
        fields.put("host", BlazeValue.string(d.host()));
        fields.put("port", BlazeValue.integer(d.port()));
        fields.put("nodeId", BlazeValue.string(d.nodeId().toString()));
        fields.put("tls", BlazeValue.bool(d.tls()));
        fields.put("fingerprint", d.fingerprint().map(BlazeValue::string).orElse(BlazeValue.nullValue()));
        fields.put("protocolVersion", BlazeValue.integer(d.protocolVersion()));
        fields.put("instance", BlazeValue.string(d.instanceName()));
        return BlazeDataRecord.of(fields);
    }
}
