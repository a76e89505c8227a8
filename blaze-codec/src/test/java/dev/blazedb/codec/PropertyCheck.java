package dev.blazedb.codec;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A minimal property-test harness: a generator, a check and a number of tries, all derived from
 * one printed seed, so any failure can be replayed exactly.
 *
 * <p>The seed is fixed by default; {@code -Dblaze.test.seed=N} overrides it (also to replay a
 * failure) and {@code -Dblaze.test.tries.factor=N} multiplies the tries for a longer soak.
 */
public final class PropertyCheck {

    /** The seed used unless {@code -Dblaze.test.seed} says otherwise. */
    public static final long DEFAULT_SEED = 0x5EED_B1A2EL;

    private PropertyCheck() {
    }

    /** The seed of this run. */
    public static long seed() {
        return Long.getLong("blaze.test.seed", DEFAULT_SEED);
    }

    /**
     * Runs {@code check} on {@code tries} values drawn by {@code generator}; a failure names the
     * property, the try, the seed to replay it and the generated value.
     */
    public static <T> void forAll(String property, int tries, Function<SplittableRandom, T> generator, Consumer<T> check) {
        long seed = seed();
        int total = tries * Integer.getInteger("blaze.test.tries.factor", 1);
        SplittableRandom root = new SplittableRandom(seed ^ property.hashCode());
        for (int i = 0; i < total; i++) {
            long caseSeed = root.nextLong();
            T value = generator.apply(new SplittableRandom(caseSeed));
            try {
                check.accept(value);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("property \"" + property + "\" falsified at try " + i + " of " + total
                        + " (replay with -Dblaze.test.seed=" + seed + ")\nvalue: " + value, e);
            }
        }
    }
}
