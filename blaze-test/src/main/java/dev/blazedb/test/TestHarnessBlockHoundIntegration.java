package dev.blazedb.test;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets StepVerifier wait where it runs its own tasks: with frames delivered on an event loop, a
 * verifier whose next step is {@code expectNoEvent} waits on that thread. That wait is the test
 * harness's, not the transport's; BlockHound still catches any blocking call of the transport.
 * Also Netty 4.2's adaptive buffer allocator, which takes a short {@code StampedLock} when it
 * grows or frees a magazine: a lock between event loops, not I/O, which every Netty transport
 * meets (first allowed for TCP; a Unix-socket sender under load met it in a CI run).
 *
 * <p>Registered as a {@code BlockHoundIntegration} service of this jar, as
 * {@link FileIoBlockHoundIntegration} is.
 */
public final class TestHarnessBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("reactor.test.DefaultStepVerifierBuilder$DefaultVerifySubscriber", "waitTaskEvent");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator", "allocate");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "release");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Chunk", "deallocate");
    }
}
