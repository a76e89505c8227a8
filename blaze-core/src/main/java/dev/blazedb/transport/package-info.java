/**
 * The transport SPI: {@link dev.blazedb.transport.DuplexConnection}, the backpressure-aware duplex
 * stream of {@link dev.blazedb.transport.Frame}s every transport provides, with
 * {@link dev.blazedb.transport.ClientTransport} and {@link dev.blazedb.transport.ServerTransport}
 * to open connections, and {@link dev.blazedb.transport.Transports} to find transport modules on
 * the class path.
 *
 * <p>Transports live in their own modules ({@code blaze-transport-memory}, {@code -uds},
 * {@code -tcp}); {@code TransportTck} in {@code blaze-test} is the contract each one passes.
 */
package dev.blazedb.transport;
