/**
 * The TCP transport: TLS 1.3 (JDK provider) with a Bouncy Castle self-signed identity kept beside
 * the database or a user-supplied one, the secure session of {@code dev.blazedb.transport} on top
 * (token proofs, AES-256-GCM end to end), and {@link dev.blazedb.transport.tcp.BlazeServer}, which
 * serves one database to many clients. Wire formats and the handshake: docs/tcp-security.md.
 */
package dev.blazedb.transport.tcp;
