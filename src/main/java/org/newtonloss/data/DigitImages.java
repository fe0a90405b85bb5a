package org.newtonloss.data;

import java.util.Arrays;

/**
 * A set of 28×28 grey-scale digit images with their labels. Pixels are floats in [0, 1], image i at
 * {@code pixels[i*784 .. i*784+784)} row-major; {@code labels[i]} is its digit 0..9. Arrays are not copied:
 * treat them as read-only.
 */
public record DigitImages(int count, float[] pixels, byte[] labels) {
    /** Side of a digit image in pixels. */
    public static final int SIDE = 28;
    /** Pixels per digit image. */
    public static final int PIXELS = SIDE * SIDE;

    public DigitImages {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        if (pixels.length != count * PIXELS)
            throw new IllegalArgumentException("pixels: expected count*784 = " + count * PIXELS + " values, got " + pixels.length);
        if (labels.length != count)
            throw new IllegalArgumentException("labels: expected count = " + count + " values, got " + labels.length);
        for (int i = 0; i < count; i++)
            if (labels[i] < 0 || labels[i] > 9) throw new IllegalArgumentException("labels[" + i + "] must be 0..9, got " + labels[i]);
    }

    /** The images at the given indices, in that order (copied). */
    public DigitImages select(int[] indices) {
        float[] p = new float[indices.length * PIXELS];
        byte[] l = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= count) throw new IllegalArgumentException("index " + i + " outside 0.." + (count - 1));
            System.arraycopy(pixels, i * PIXELS, p, k * PIXELS, PIXELS);
            l[k] = labels[i];
        }
        return new DigitImages(indices.length, p, l);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public DigitImages range(int from, int to) {
        if (from < 0 || to > count || from > to)
            throw new IllegalArgumentException("range [" + from + ", " + to + ") outside [0, " + count + ")");
        return new DigitImages(to - from, Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS),
                Arrays.copyOfRange(labels, from, to));
    }

    /** How many images carry each digit 0..9. */
    public int[] countsPerDigit() {
        int[] c = new int[10];
        for (byte b : labels) c[b]++;
        return c;
    }

    @Override public boolean equals(Object o) {
        return o instanceof DigitImages d && d.count == count && Arrays.equals(d.pixels, pixels) && Arrays.equals(d.labels, labels);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(pixels) + Arrays.hashCode(labels); }

    @Override public String toString() { return "DigitImages(count=" + count + ")"; }
}
