package dev.blazedb.test;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Makes BlockHound treat {@code FileChannel} reads, writes and forces as blocking (it knows
 * {@code FileInputStream} and {@code RandomAccessFile} only), so a log read on a Reactor
 * non-blocking thread fails the test that caused it.
 *
 * <p>Registered as a {@code BlockHoundIntegration} service of this jar: a test run with BlockHound
 * installed (for example by {@code blockhound-junit-platform}) and this kit on its class path picks
 * it up. BlockHound is an optional dependency of the kit; without it this class is never loaded.
 */
public final class FileIoBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.markAsBlocking("sun.nio.ch.FileChannelImpl", "read", "(Ljava/nio/ByteBuffer;J)I");
        builder.markAsBlocking("sun.nio.ch.FileChannelImpl", "read", "(Ljava/nio/ByteBuffer;)I");
        builder.markAsBlocking("sun.nio.ch.FileChannelImpl", "write", "(Ljava/nio/ByteBuffer;J)I");
        builder.markAsBlocking("sun.nio.ch.FileChannelImpl", "force", "(Z)V");
    }
}
