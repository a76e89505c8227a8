/**
 * The in-memory transport, the reference implementation of the transport SPI: servers bound to a
 * name in the JVM ({@link dev.blazedb.transport.memory.MemoryServerTransport}), clients connecting
 * to it ({@link dev.blazedb.transport.memory.MemoryClientTransport}).
 *
 * <p>Frames are passed by reference, never copied; demand goes straight from the receiver to the
 * sender's publisher (no prefetch: a receiver that requests nothing leaves the sender with nothing
 * requested); no signal is handed to another thread.
 */
package dev.blazedb.transport.memory;
