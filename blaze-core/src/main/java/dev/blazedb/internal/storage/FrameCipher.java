package dev.blazedb.internal.storage;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens frames (see {@link LogFormat}) with AES-256-GCM. One instance per thread: it
 * holds a {@link Cipher}.
 */
public final class FrameCipher {

    private final SecretKey key;
    private final NonceSource nonces;
    private final Cipher cipher;
    private final byte[] aad = new byte[LogFormat.AAD_LENGTH];
    private final byte[] nonce = new byte[LogFormat.NONCE_LENGTH];

    /** A cipher for {@code key}; {@code nonces} may be null for an open-only instance. */
    public FrameCipher(SecretKey key, NonceSource nonces) {
        this.key = key;
        this.nonces = nonces;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    }

    /** The frame length for a plaintext of {@code plainLength} bytes. */
    public static int frameLength(int plainLength) {
        return plainLength + LogFormat.FRAME_OVERHEAD;
    }

    /**
     * Seals a frame in place: {@code buf[off + 20, off + 20 + plainLength)} holds the plaintext;
     * afterwards {@code buf[off, off + frameLength(plainLength))} holds the frame.
     */
    public void seal(byte[] buf, int off, int plainLength, byte[] logId, long position) {
        int length = frameLength(plainLength);
        Bytes.putInt(buf, off, length);
        nonces.next(buf, off + 8);
        Bytes.putInt(buf, off + 4, LogFormat.frameHeaderCrc(buf, off));
        System.arraycopy(buf, off + 8, nonce, 0, LogFormat.NONCE_LENGTH);
        LogFormat.aad(aad, logId, position, length);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            int n = cipher.doFinal(buf, off + LogFormat.FRAME_HEADER_LENGTH, plainLength, buf, off + LogFormat.FRAME_HEADER_LENGTH);
            if (n != plainLength + LogFormat.TAG_LENGTH) {
                throw new IllegalStateException("unexpected GCM output length " + n);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /**
     * Opens a frame: authenticates {@code frame[off, off + length)} as the frame at
     * {@code position} of log {@code logId} and writes the plaintext to {@code out} at 0.
     *
     * @return the plaintext length
     * @throws AEADBadTagException when the frame is not authentic there
     */
    public int open(byte[] frame, int off, int length, byte[] logId, long position, byte[] out)
            throws AEADBadTagException {
        System.arraycopy(frame, off + 8, nonce, 0, LogFormat.NONCE_LENGTH);
        LogFormat.aad(aad, logId, position, length);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(frame, off + LogFormat.FRAME_HEADER_LENGTH, length - LogFormat.FRAME_HEADER_LENGTH, out, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            AEADBadTagException bad = new AEADBadTagException("frame does not decrypt: " + e);
            bad.initCause(e);
            throw bad;
        }
    }

    /** Seals an arbitrary blob (checkpoint blocks): returns nonce | ciphertext | tag. */
    public byte[] sealBlob(byte[] plain, int off, int len, byte[] blobAad) {
        byte[] out = new byte[LogFormat.NONCE_LENGTH + len + LogFormat.TAG_LENGTH];
        nonces.next(out, 0);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, out, 0, LogFormat.NONCE_LENGTH));
            cipher.updateAAD(blobAad);
            cipher.doFinal(plain, off, len, out, LogFormat.NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return out;
    }

    /** Opens a blob sealed by {@link #sealBlob}. */
    public byte[] openBlob(byte[] sealed, int off, int len, byte[] blobAad) throws AEADBadTagException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, off, LogFormat.NONCE_LENGTH));
            cipher.updateAAD(blobAad);
            return cipher.doFinal(sealed, off + LogFormat.NONCE_LENGTH, len - LogFormat.NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            AEADBadTagException bad = new AEADBadTagException("blob does not decrypt: " + e);
            bad.initCause(e);
            throw bad;
        }
    }
}
