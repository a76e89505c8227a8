package dev.blazedb;

/**
 * The cost of Argon2id, the function that derives the key-encryption key from the password.
 * The parameters are stored in the database header, so a database always opens with the cost it
 * was created with; these settings only apply when a new database is created.
 *
 * @param memoryKiB   memory in KiB (at least 8 per lane, at most 4 GiB)
 * @param iterations  passes over the memory (1 to 100)
 * @param parallelism lanes (1 to 16)
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {

    /** The default cost: 64 MiB, 3 iterations, 1 lane (about 170 ms on a 2-core VM). */
    public static final Argon2Params DEFAULT = new Argon2Params(64 * 1024, 3, 1);

    /** The largest accepted memory cost, 4 GiB in KiB. */
    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

    /** Validates the parameters. */
    public Argon2Params {
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("parallelism must be 1..16: " + parallelism);
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("iterations must be 1..100: " + iterations);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memoryKiB must be 8*parallelism.." + MAX_MEMORY_KIB + ": " + memoryKiB);
        }
    }

    /** The parameters {@code memoryKiB}, {@code iterations}, {@code parallelism}. */
    public static Argon2Params of(int memoryKiB, int iterations, int parallelism) {
        return new Argon2Params(memoryKiB, iterations, parallelism);
    }
}
