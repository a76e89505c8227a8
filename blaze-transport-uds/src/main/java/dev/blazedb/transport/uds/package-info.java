/**
 * The Unix domain socket transport: sync between processes on one machine, with the socket in a
 * private directory and peers checked by their kernel-reported credentials.
 * {@link dev.blazedb.transport.uds.UdsServerTransport} listens,
 * {@link dev.blazedb.transport.uds.UdsClientTransport} connects, and
 * {@link dev.blazedb.transport.uds.UdsTransportProvider} makes both available to
 * {@code BlazeTopology} by the name {@code "uds"}.
 */
package dev.blazedb.transport.uds;
