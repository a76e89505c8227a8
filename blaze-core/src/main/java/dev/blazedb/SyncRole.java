package dev.blazedb;

/** The role a node plays in a topology; informational (shown in {@link NodeInfo} and logs). */
public enum SyncRole {
    /** A node others connect to: a hub, a master. */
    SERVER,
    /** A node that connects to others: a spoke, a replica. */
    CLIENT
}
