/**
 * Test kits that implementations and users reuse (published; the test libraries are compile
 * dependencies of this jar):
 * <ul>
 *   <li>{@link dev.blazedb.test.TransportTck}: the contract every transport passes;</li>
 *   <li>{@link dev.blazedb.test.SyncTck}: the original guide's sync examples and the propagation
 *       guarantees over any transport, which a {@link dev.blazedb.test.SyncLinker} plugs in;</li>
 *   <li>{@link dev.blazedb.test.ConvergenceCheck}: the convergence property of sync under random
 *       topologies, concurrent edits, disconnects and reconnects, checked against a reference
 *       model of per-field last-writer-wins;</li>
 *   <li>{@link dev.blazedb.test.SyncCluster}: a topology and its databases, closed together;</li>
 *   <li>transport fault injection: {@link dev.blazedb.test.FaultInjector} breaks connections
 *       underneath the protocol, {@link dev.blazedb.test.GatedServerTransport} stalls a receiver;</li>
 *   <li>{@link dev.blazedb.test.FileIoBlockHoundIntegration}: file-channel I/O counts as blocking
 *       for BlockHound; {@link dev.blazedb.test.TestHarnessBlockHoundIntegration}: StepVerifier's
 *       own waits and Netty's buffer allocator's short locks do not.</li>
 * </ul>
 */
package dev.blazedb.test;
