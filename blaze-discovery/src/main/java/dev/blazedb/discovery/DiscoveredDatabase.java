package dev.blazedb.discovery;

import dev.blazedb.NodeId;
import dev.blazedb.SyncProtocol;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A BlazeDB server found on the network, or the news that one went away: what it advertised
 * (see {@link Advertisement}) plus where it was resolved to, and which {@link Change} this value
 * reports.
 *
 * <p>{@link BlazeDiscovery#browse()} emits one value per change: {@link Change#FOUND} once a
 * service has been resolved with a host, a port and a complete TXT record; {@link Change#UPDATED}
 * when an already found service resolves to different data (a new port, address or certificate);
 * {@link Change#REMOVED}, carrying the last known data, when it goes away. Values are immutable
 * and compare by all their fields; {@link #instanceName()} identifies the service across changes.
 */
public final class DiscoveredDatabase {

    /** What a {@link DiscoveredDatabase} value reports. */
    public enum Change {
        /** The service was found and resolved. */
        FOUND,
        /** A service found before now resolves to different data. */
        UPDATED,
        /** The service went away (it said goodbye, or the discovery stopped browsing). */
        REMOVED
    }

    private final String instanceName;
    private final String name;
    private final List<String> addresses;
    private final int port;
    private final NodeId nodeId;
    private final int protocolVersion;
    private final boolean tls;
    private final String fingerprint;
    private final Change change;

    DiscoveredDatabase(String instanceName, String name, List<String> addresses, int port, NodeId nodeId,
            int protocolVersion, boolean tls, String fingerprint, Change change) {
        this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
        this.name = Objects.requireNonNull(name, "name");
        this.addresses = List.copyOf(addresses);
        if (this.addresses.isEmpty()) {
            throw new IllegalArgumentException("no address");
        }
        this.port = port;
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.protocolVersion = protocolVersion;
        this.tls = tls;
        this.fingerprint = fingerprint;
        this.change = Objects.requireNonNull(change, "change");
    }

    /** The database name the server advertised. */
    public String name() {
        return name;
    }

    /** The address to connect to: the first IPv4 address the service resolved to, else the first IPv6 one. */
    public String host() {
        return addresses.get(0);
    }

    /** Every address the service resolved to, IPv4 first, as IP literals. */
    public List<String> addresses() {
        return addresses;
    }

    /** The server's TCP port. */
    public int port() {
        return port;
    }

    /** The advertised database's node id ({@code BlazeDBClient.nodeId()} on the server). */
    public NodeId nodeId() {
        return nodeId;
    }

    /** The sync protocol version the server advertised. */
    public int protocolVersion() {
        return protocolVersion;
    }

    /** Whether the server speaks the sync protocol version of this build ({@link SyncProtocol#VERSION}). */
    public boolean isCompatible() {
        return protocolVersion == SyncProtocol.VERSION;
    }

    /** Whether the server speaks TLS. */
    public boolean tls() {
        return tls;
    }

    /** The SHA-256 fingerprint of the server's certificate as 64 lowercase hex digits, when advertised. */
    public Optional<String> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }

    /** The DNS-SD instance name, unique on the network; it identifies the service across changes. */
    public String instanceName() {
        return instanceName;
    }

    /** What this value reports. */
    public Change change() {
        return change;
    }

    /** Whether this value reports that the service went away. */
    public boolean isRemoved() {
        return change == Change.REMOVED;
    }

    /** This service's data reported as {@code newChange}. */
    DiscoveredDatabase as(Change newChange) {
        return newChange == change ? this
                : new DiscoveredDatabase(instanceName, name, addresses, port, nodeId, protocolVersion, tls, fingerprint, newChange);
    }

    /** Whether {@code other} carries the same service data, whatever change each reports. */
    boolean sameData(DiscoveredDatabase other) {
        return instanceName.equals(other.instanceName) && name.equals(other.name) && addresses.equals(other.addresses)
                && port == other.port && nodeId.equals(other.nodeId) && protocolVersion == other.protocolVersion
                && tls == other.tls && Objects.equals(fingerprint, other.fingerprint);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoveredDatabase d && sameData(d) && change == d.change;
    }

    @Override
    public int hashCode() {
        return Objects.hash(instanceName, name, addresses, port, nodeId, protocolVersion, tls, fingerprint, change);
    }

    @Override
    public String toString() {
        return change + " " + name + " at " + host() + ":" + port + " (node " + nodeId + ", protocol " + protocolVersion
                + (tls ? ", TLS" + (fingerprint == null ? "" : " " + fingerprint) : ", no TLS") + ", instance '" + instanceName + "')";
    }
}
