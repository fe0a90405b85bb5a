package org.newtonloss.data;

/**
 * {@code sets} sets of n four-digit items: item k (= set k / n, position k % n) has its 28×112 image at
 * {@code features[k*3136 ..]} and its value at {@code values[k]}. Consecutive n items form one set.
 */
public record ItemBatch(int sets, int n, float[] features, float[] values) {
    public ItemBatch {
        if (features.length != sets * n * FourDigitSets.PIXELS)
            throw new IllegalArgumentException("features: expected sets*n*3136 = " + sets * n * FourDigitSets.PIXELS + ", got " + features.length);
        if (values.length != sets * n)
            throw new IllegalArgumentException("values: expected sets*n = " + sets * n + ", got " + values.length);
    }

    /** Number of items, sets × n. */
    public int items() { return sets * n; }

    /** Sets {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own (copied). */
    public ItemBatch slice(int from, int to) {
        if (from < 0 || to > sets || from >= to) throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + sets + ")");
        int a = from * n, b = to * n;
        return new ItemBatch(to - from, n, java.util.Arrays.copyOfRange(features, a * FourDigitSets.PIXELS, b * FourDigitSets.PIXELS),
                java.util.Arrays.copyOfRange(values, a, b));
    }
}
