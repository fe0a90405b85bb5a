package org.newtonloss.data;

import java.util.SplittableRandom;

/**
 * Composes four-digit MNIST items and sets of them, as in diffsort's multi-digit experiments: an item is four
 * digit images drawn uniformly and independently from one pool, placed side by side (28×112, row-major,
 * one channel), and its value is the four-digit number they show (leading zeros allowed, 0..9999). A set is n
 * such items; ties between the values of a set are possible and rare.
 *
 * <p>Draws are a pure function of the random stream passed in; {@link #stream} derives independent streams
 * from (seed, purpose, index), so step t of a run always sees the same sets whatever happened before.
 */
public final class FourDigitSets {
    /** Digits per item. */
    public static final int DIGITS = 4;
    /** Item height and width in pixels. */
    public static final int HEIGHT = DigitImages.SIDE, WIDTH = DIGITS * DigitImages.SIDE;
    /** Pixels per item. */
    public static final int PIXELS = HEIGHT * WIDTH;
    /** Stream purposes, so that training, validation and test draws never share a stream. */
    public static final long TRAIN = 1, VALIDATION = 2, TEST = 3;

    private final DigitImages pool;

    public FourDigitSets(DigitImages pool) {
        if (pool.count() < 1) throw new IllegalArgumentException("pool must hold at least one image, got " + pool.count());
        this.pool = pool;
    }

    public DigitImages pool() { return pool; }

    /** An independent random stream for (seed, purpose, index), e.g. the training draws of one step. */
    public static SplittableRandom stream(long seed, long purpose, long index) {
        long h = mix(seed ^ mix(purpose * 0x9E3779B97F4A7C15L + index));
        return new SplittableRandom(h);
    }

    /** Draws the pool indices of {@code sets × n × 4} digits: item k's digits (most significant first) at 4k..4k+3. */
    public int[] drawIndices(SplittableRandom rng, int sets, int n) {
        if (sets < 1) throw new IllegalArgumentException("sets must be >= 1, got " + sets);
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        int[] idx = new int[Math.multiplyExact(sets * n, DIGITS)];
        for (int k = 0; k < idx.length; k++) idx[k] = rng.nextInt(pool.count());
        return idx;
    }

    /**
     * Writes the items whose digits are {@code indices} (4 per item) into {@code features} (item k's 28×112 image at
     * k·3136) and their values into {@code values[k]}.
     */
    public void compose(int[] indices, float[] features, float[] values) {
        if (indices.length % DIGITS != 0)
            throw new IllegalArgumentException("indices: length " + indices.length + " is not a multiple of " + DIGITS);
        int items = indices.length / DIGITS;
        if (features.length < items * PIXELS)
            throw new IllegalArgumentException("features: need " + items * PIXELS + " values for " + items + " items, got " + features.length);
        if (values.length < items)
            throw new IllegalArgumentException("values: need " + items + " values, got " + values.length);
        float[] px = pool.pixels();
        byte[] labels = pool.labels();
        int side = DigitImages.SIDE;
        for (int k = 0; k < items; k++) {
            int value = 0;
            int base = k * PIXELS;
            for (int d = 0; d < DIGITS; d++) {
                int img = indices[k * DIGITS + d];
                value = value * 10 + labels[img];
                int src = img * DigitImages.PIXELS;
                for (int r = 0; r < side; r++)
                    System.arraycopy(px, src + r * side, features, base + r * WIDTH + d * side, side);
            }
            values[k] = value;
        }
    }

    /** Draws and composes {@code sets} sets of n items. */
    public ItemBatch draw(SplittableRandom rng, int sets, int n) {
        int[] idx = drawIndices(rng, sets, n);
        float[] features = new float[sets * n * PIXELS];
        float[] values = new float[sets * n];
        compose(idx, features, values);
        return new ItemBatch(sets, n, features, values);
    }

    /** A fixed evaluation collection: {@code sets} sets drawn from {@code stream(seed, purpose, 0)}. */
    public ItemBatch fixed(long seed, long purpose, int sets, int n) {
        return draw(stream(seed, purpose, 0), sets, n);
    }

    private static long mix(long z) { // SplitMix64 finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
