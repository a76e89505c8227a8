package dev.blazedb.sync;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Makes BlockHound treat {@code FileChannel} reads, writes and forces as blocking (it knows
 * {@code FileInputStream} and {@code RandomAccessFile} only), so a log read on a Reactor
 * non-blocking thread fails the test that caused it.
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
