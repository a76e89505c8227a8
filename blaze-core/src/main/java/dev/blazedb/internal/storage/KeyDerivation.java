package dev.blazedb.internal.storage;

import dev.blazedb.Argon2Params;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id key derivation (Bouncy Castle). */
public final class KeyDerivation {

    private KeyDerivation() {
    }

    /** Derives a 32-byte key-encryption key from {@code password} with Argon2id v1.3. */
    public static byte[] argon2id(char[] password, byte[] salt, Argon2Params params) {
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(p);
        byte[] out = new byte[LogFormat.KEY_LENGTH];
        generator.generateBytes(password, out);
        return out;
    }
}
