package org.newtonloss.linalg;

/** Shape checks shared by the batched kernels; every message names the argument and both numbers. */
public final class Shapes {
    private Shapes() {}

    /** Throws unless {@code batch ≥ 1} and {@code m ≥ 1}. */
    public static void checkBatch(int batch, int m) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (m < 1) throw new IllegalArgumentException("m must be >= 1, got " + m);
    }

    /** Throws unless {@code length == batch * perSystem}; the message names the array and both numbers. */
    public static void checkLength(String name, int length, int batch, int perSystem) {
        long expected = (long) batch * perSystem;
        if (length != expected)
            throw new IllegalArgumentException(name + ": expected length " + expected + " (batch " + batch + " × "
                    + perSystem + "), got " + length);
    }
}
