package org.newtonloss.ranking;

/**
 * The ground truth of a ranking sample. The true order is the stable ascending argsort of the sample's true
 * values: {@code perm[k]} = index of the k-th smallest value (ties keep input order), and
 * {@code rank[i]} = k such that {@code perm[k] == i}. The true permutation matrix in the column convention is
 * {@code Q[i][j] = 1 iff rank[i] == j}.
 */
public final class Ranks {
    private Ranks() {}

    /** Writes rank[i] (ascending, stable) of values[off .. off+n) into {@code rank[0..n)}; rejects NaN. */
    public static void stableAscendingRanks(double[] values, int off, int n, int[] rank) {
        int[] perm = stableArgsort(values, off, n);
        for (int k = 0; k < n; k++) rank[perm[k]] = k;
    }

    /** Float variant of {@link #stableAscendingRanks(double[], int, int, int[])}. */
    public static void stableAscendingRanks(float[] values, int off, int n, int[] rank) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = values[off + i];
        stableAscendingRanks(d, 0, n, rank);
    }

    /**
     * Same result as {@link #stableAscendingRanks(double[], int, int, int[])} without allocating (O(n²) counting:
     * rank[i] = #{k : v_k &lt; v_i} + #{k &lt; i : v_k = v_i}, in {@link Double#compare} order); for per-sample hot loops.
     */
    public static void stableAscendingRanksNoAlloc(double[] values, int off, int n, int[] rank) {
        for (int i = 0; i < n; i++) {
            double v = values[off + i];
            if (Double.isNaN(v)) throw new IllegalArgumentException("targets[" + i + "] is NaN");
            int r = 0;
            for (int k = 0; k < n; k++) {
                int c = Double.compare(values[off + k], v);
                if (c < 0 || (c == 0 && k < i)) r++;
            }
            rank[i] = r;
        }
    }

    /** Float variant of {@link #stableAscendingRanksNoAlloc(double[], int, int, int[])}. */
    public static void stableAscendingRanksNoAlloc(float[] values, int off, int n, int[] rank) {
        for (int i = 0; i < n; i++) {
            float v = values[off + i];
            if (Float.isNaN(v)) throw new IllegalArgumentException("targets[" + i + "] is NaN");
            int r = 0;
            for (int k = 0; k < n; k++) {
                int c = Float.compare(values[off + k], v);
                if (c < 0 || (c == 0 && k < i)) r++;
            }
            rank[i] = r;
        }
    }

    /** perm[k] = index (0-based, relative to off) of the k-th smallest value; ties keep input order. */
    public static int[] stableArgsort(double[] values, int off, int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            double v = values[off + i];
            if (Double.isNaN(v)) throw new IllegalArgumentException("targets[" + i + "] is NaN");
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(values[off + a], values[off + b]));
        int[] perm = new int[n];
        for (int k = 0; k < n; k++) perm[k] = idx[k];
        return perm;
    }
}
