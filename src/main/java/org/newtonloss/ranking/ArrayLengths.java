package org.newtonloss.ranking;

/** Argument checks shared by the Gauss-Newton classes of this package. */
final class ArrayLengths {
    private ArrayLengths() {}

    /** Throws naming the array when it is null or cannot hold {@code need} values. */
    static void check(String name, double[] a, long need) {
        if (a == null) throw new IllegalArgumentException(name + " must not be null");
        if (a.length < need)
            throw new IllegalArgumentException(name + ".length must be >= " + need + ", got " + a.length);
    }
}
