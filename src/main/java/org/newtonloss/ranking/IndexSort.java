package org.newtonloss.ranking;

/**
 * Allocation-free stable ascending argsort of a slice of doubles (order of {@link Double#compare}, like
 * {@link Ranks}): branch-free rank counting for short slices (n ≤ {@value #COUNTING_MAX}; a comparison sort's
 * mispredicted branches cost more there), insertion-sorted runs merged bottom-up otherwise. Used on the
 * per-sample hot path, where {@link Ranks#stableArgsort} would allocate boxed indices.
 */
final class IndexSort {
    private static final int COUNTING_MAX = 64;
    private static final int INSERTION_MAX = 48;

    private IndexSort() {}

    /**
     * Writes perm[k] = index (relative to off) of the k-th smallest of keys[off .. off+n); ties keep input order.
     *
     * @param perm modified: receives the permutation in [0, n)
     * @param tmp  scratch of length ≥ n (not read)
     */
    static void stableArgsort(double[] keys, int off, int n, int[] perm, int[] tmp) {
        if (n <= COUNTING_MAX) {
            countingArgsort(keys, off, n, perm);
            return;
        }
        for (int i = 0; i < n; i++) perm[i] = i;
        if (n <= INSERTION_MAX) {
            insertion(keys, off, perm, 0, n);
            return;
        }
        for (int lo = 0; lo < n; lo += INSERTION_MAX) insertion(keys, off, perm, lo, Math.min(n, lo + INSERTION_MAX));
        int[] src = perm;
        int[] dst = tmp;
        for (int width = INSERTION_MAX; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                int a = lo, b = mid, o = lo;
                while (a < mid && b < hi)
                    dst[o++] = Double.compare(keys[off + src[b]], keys[off + src[a]]) < 0 ? src[b++] : src[a++];
                while (a < mid) dst[o++] = src[a++];
                while (b < hi) dst[o++] = src[b++];
            }
            int[] swap = src;
            src = dst;
            dst = swap;
        }
        if (src != perm) System.arraycopy(src, 0, perm, 0, n);
    }

    /**
     * rank_i = #{j < i: key_j ≤ key_i} + #{j > i: key_j < key_i}, then perm[rank_i] = i. Keys are the IEEE bits
     * made order-preserving as signed longs (negative values flipped), which is exactly Double.compare's order.
     */
    private static void countingArgsort(double[] keys, int off, int n, int[] perm) {
        long[] k = SORT_KEYS.get();
        if (k.length < n) {
            k = new long[COUNTING_MAX];
            SORT_KEYS.set(k);
        }
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToLongBits(keys[off + i]);
            k[i] = bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }
        for (int i = 0; i < n; i++) {
            long ki = k[i];
            int rank = 0;
            for (int j = 0; j < i; j++) rank += k[j] <= ki ? 1 : 0;
            for (int j = i + 1; j < n; j++) rank += k[j] < ki ? 1 : 0;
            perm[rank] = i;
        }
    }

    private static final ThreadLocal<long[]> SORT_KEYS = ThreadLocal.withInitial(() -> new long[COUNTING_MAX]);

    private static void insertion(double[] keys, int off, int[] perm, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int idx = perm[i];
            double key = keys[off + idx];
            int j = i - 1;
            while (j >= from && Double.compare(keys[off + perm[j]], key) > 0) {
                perm[j + 1] = perm[j];
                j--;
            }
            perm[j + 1] = idx;
        }
    }
}
