package dev.blazedb.transport;

import dev.blazedb.TamperedFrameException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens frames with AES-256-GCM and counter nonces, one key and one counter per
 * direction. A sealed frame has type {@link #SEALED_TYPE} and the payload
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             counter (u64, big-endian): 0, 1, 2, ...           |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | inner type    |  inner payload ...           (AES-256-GCM ciphertext of
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  type and payload)
 * |                 GCM tag, 16 bytes                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The nonce is 4 zero bytes then the counter; the counter bytes are also the additional
 * authenticated data. The receiver expects exactly the next counter: a smaller one is a
 * replay, a larger one a reordered or dropped frame, and a failed tag an altered frame; each is a
 * {@link TamperedFrameException}. Nonces never repeat under a key: each key serves one direction
 * of one session, and the counter only grows.
 *
 * <p>Not thread-safe: {@link #seal} is called by one send at a time, {@link #open} by the one
 * receiver, as Reactive Streams serializes them.
 */
final class FrameSealer {

    /** The outer frame type of sealed frames. */
    static final int SEALED_TYPE = 0xE5;
    static final int COUNTER_LENGTH = 8;
    static final int TAG_LENGTH = 16;
    /** Bytes a sealed frame adds to the inner payload. */
    static final int OVERHEAD = COUNTER_LENGTH + 1 + TAG_LENGTH;

    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    private final Cipher encrypt;
    private final Cipher decrypt;
    private final int maxInnerLength;
    private final byte[] nonce = new byte[12];
    private final byte[] openNonce = new byte[12];
    private long sendCounter;
    private long receiveCounter;

    FrameSealer(byte[] sendKey, byte[] receiveKey, int maxInnerLength) {
        this.sendKey = new SecretKeySpec(sendKey, "AES");
        this.receiveKey = new SecretKeySpec(receiveKey, "AES");
        this.maxInnerLength = maxInnerLength;
        try {
            this.encrypt = Cipher.getInstance("AES/GCM/NoPadding");
            this.decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    int maxInnerLength() {
        return maxInnerLength;
    }

    /**
     * Seals {@code frame} under the next send counter.
     *
     * @throws IllegalArgumentException for a type reserved for transports
     * @throws FrameTooLargeException if the payload is over {@link #maxInnerLength()}
     */
    Frame seal(Frame frame) {
        if (frame.isReserved()) {
            throw new IllegalArgumentException("frame type 0x" + Integer.toHexString(frame.type())
                    + " is reserved for transports");
        }
        if (frame.length() > maxInnerLength) {
            throw new FrameTooLargeException(frame.length(), maxInnerLength);
        }
        long counter = sendCounter++;
        if (counter < 0) {
            throw new IllegalStateException("the send counter is exhausted; reconnect for new keys");
        }
        byte[] out = new byte[OVERHEAD + frame.length()];
        ByteBuffer.wrap(out).putLong(counter);
        try {
            ByteBuffer.wrap(nonce, 4, 8).putLong(counter);
            encrypt.init(Cipher.ENCRYPT_MODE, sendKey, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            encrypt.updateAAD(out, 0, COUNTER_LENGTH);
            int n = encrypt.update(new byte[] {(byte) frame.type()}, 0, 1, out, COUNTER_LENGTH);
            ByteBuffer output = ByteBuffer.wrap(out, COUNTER_LENGTH + n, out.length - COUNTER_LENGTH - n);
            encrypt.doFinal(frame.payload(), output);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a frame failed", e);
        }
        return Frame.wrap(SEALED_TYPE, out);
    }

    /**
     * Opens a sealed frame received from the peer.
     *
     * @throws TamperedFrameException if it is not the next frame the peer sealed, byte for byte
     */
    Frame open(Frame sealed) {
        if (sealed.type() != SEALED_TYPE) {
            throw new TamperedFrameException("expected a sealed frame (type 0x" + Integer.toHexString(SEALED_TYPE)
                    + ") but got type 0x" + Integer.toHexString(sealed.type()));
        }
        if (sealed.length() < OVERHEAD) {
            throw new TamperedFrameException("a sealed frame of " + sealed.length() + " bytes is shorter than its "
                    + OVERHEAD + "-byte envelope");
        }
        ByteBuffer in = sealed.payload();
        long counter = in.getLong(0);
        long expected = receiveCounter;
        if (counter != expected) {
            throw new TamperedFrameException(counter < expected
                    ? "replayed frame: counter " + counter + " after " + expected + " frames"
                    : "reordered or dropped frame: counter " + counter + " where " + expected + " was due");
        }
        byte[] plain = new byte[sealed.length() - COUNTER_LENGTH - TAG_LENGTH];
        try {
            ByteBuffer.wrap(openNonce, 4, 8).putLong(counter);
            decrypt.init(Cipher.DECRYPT_MODE, receiveKey, new GCMParameterSpec(TAG_LENGTH * 8, openNonce));
            byte[] aad = new byte[COUNTER_LENGTH];
            in.get(aad);
            decrypt.updateAAD(aad);
            decrypt.doFinal(in, ByteBuffer.wrap(plain));
        } catch (AEADBadTagException e) {
            throw new TamperedFrameException("altered frame: counter " + counter + " fails its authentication tag", e);
        } catch (GeneralSecurityException e) {
            throw new TamperedFrameException("sealed frame " + counter + " could not be opened", e);
        }
        receiveCounter = expected + 1;
        return Frame.wrap(plain[0] & 0xFF, plain, 1, plain.length - 1);
    }
}
