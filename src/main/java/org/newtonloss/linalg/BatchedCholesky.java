package org.newtonloss.linalg;


/**
 * Cholesky factorisation {@code A = L Lᵀ} and solves {@code A x = b} for a batch of small symmetric positive
 * definite systems stored as flat row-major arrays: system s's m×m matrix at {@code [s*m*m, (s+1)*m*m)}, its
 * right-hand side and solution at {@code [s*m, (s+1)*m)}.
 *
 * <p>Conventions (EJML style): inputs first, outputs last; shapes are checked and a mismatch throws
 * {@link IllegalArgumentException} naming both numbers. Only the lower triangle of A is read (A is assumed
 * symmetric). The factor L is lower triangular with its strict upper triangle set to zero. Input and output
 * may be the same array (factorisation in place, solution over the right-hand side).
 *
 * <p>Numerical failure is data, not an exception: {@code info[s]} is 0 when system s was factored and
 * k &gt; 0 when its leading minor of order k is not positive definite (or not finite), as LAPACK's
 * {@code potrf} reports it. A failed system's factor block is filled with zeros (never NaN), and
 * {@link #solve} writes zeros for the solution of a failed system.
 *
 * <p>The float variants store float but accumulate every dot product in double, so their residuals are at the
 * level of float rounding of the inputs and outputs. Batches run in parallel across systems
 * ({@link SystemLoop}: on the calling thread for small batches); the per-system kernels allocate nothing.
 */
public final class BatchedCholesky {
    private BatchedCholesky() {}

    // ---------------------------------------------------------------- batched, double

    /**
     * Factors every system of the batch.
     *
     * @param a     not modified (unless it is {@code l}): batch of m×m matrices, lower triangle read
     * @param batch number of systems, ≥ 1
     * @param m     order of each system, ≥ 1
     * @param l     modified: receives the lower-triangular factors (may be {@code a})
     * @param info  modified: receives 0 or the order of the first non-PD leading minor, per system
     */
    public static void factor(double[] a, int batch, int m, double[] l, int[] info) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("a", a.length, batch, m * m);
        Shapes.checkLength("l", l.length, batch, m * m);
        Shapes.checkLength("info", info.length, batch, 1);
        SystemLoop.forEach(batch, m, SystemLoop.choleskyFlops(m), s -> info[s] = factor(a, s * m * m, m, l, s * m * m));
    }

    /** As {@link #factor(double[], int, int, double[], int[])}, allocating and returning {@code info}. */
    public static int[] factor(double[] a, int batch, int m, double[] l) {
        int[] info = new int[Math.max(batch, 0)];
        factor(a, batch, m, l, info);
        return info;
    }

    /**
     * Solves {@code L Lᵀ x = b} for every system whose {@code info} is 0; systems with {@code info != 0} get
     * {@code x = 0}.
     *
     * @param l    not modified: factors from {@link #factor}
     * @param info not modified: status per system from {@link #factor} (null: all factored)
     * @param b    not modified (unless it is {@code x}): right-hand sides, m per system
     * @param x    modified: solutions (may be {@code b})
     */
    public static void solve(double[] l, int[] info, double[] b, int batch, int m, double[] x) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("l", l.length, batch, m * m);
        if (info != null) Shapes.checkLength("info", info.length, batch, 1);
        Shapes.checkLength("b", b.length, batch, m);
        Shapes.checkLength("x", x.length, batch, m);
        SystemLoop.forEach(batch, m, SystemLoop.choleskyFlops(m), s -> {
            if (info == null || info[s] == 0) solve(l, s * m * m, m, b, s * m, x, s * m);
            else java.util.Arrays.fill(x, s * m, s * m + m, 0.0);
        });
    }

    // ---------------------------------------------------------------- batched, float

    /** Float version of {@link #factor(double[], int, int, double[], int[])} (double accumulation). */
    public static void factor(float[] a, int batch, int m, float[] l, int[] info) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("a", a.length, batch, m * m);
        Shapes.checkLength("l", l.length, batch, m * m);
        Shapes.checkLength("info", info.length, batch, 1);
        SystemLoop.forEach(batch, m, SystemLoop.choleskyFlops(m), s -> info[s] = factor(a, s * m * m, m, l, s * m * m));
    }

    /** Float version of {@link #factor(double[], int, int, double[])}. */
    public static int[] factor(float[] a, int batch, int m, float[] l) {
        int[] info = new int[Math.max(batch, 0)];
        factor(a, batch, m, l, info);
        return info;
    }

    /** Float version of {@link #solve(double[], int[], double[], int, int, double[])} (double accumulation). */
    public static void solve(float[] l, int[] info, float[] b, int batch, int m, float[] x) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("l", l.length, batch, m * m);
        if (info != null) Shapes.checkLength("info", info.length, batch, 1);
        Shapes.checkLength("b", b.length, batch, m);
        Shapes.checkLength("x", x.length, batch, m);
        SystemLoop.forEach(batch, m, SystemLoop.choleskyFlops(m), s -> {
            if (info == null || info[s] == 0) solve(l, s * m * m, m, b, s * m, x, s * m);
            else java.util.Arrays.fill(x, s * m, s * m + m, 0f);
        });
    }

    // ---------------------------------------------------------------- one system (the hot path)

    /**
     * Factors one m×m system at offset {@code aOff} of {@code a} into {@code l} at {@code lOff} (same array and
     * offset allowed). No allocation, no shape checks beyond the JVM's bounds checks.
     *
     * @return 0, or k &gt; 0 when the leading minor of order k is not positive definite; then the m×m output
     *         block is all zeros
     */
    public static int factor(double[] a, int aOff, int m, double[] l, int lOff) {
        for (int j = 0; j < m; j++) {
            int rowJ = lOff + j * m;
            double s = a[aOff + j * m + j];
            for (int k = 0; k < j; k++) s -= l[rowJ + k] * l[rowJ + k];
            if (!(s > 0) || s == Double.POSITIVE_INFINITY) { // also catches NaN
                java.util.Arrays.fill(l, lOff, lOff + m * m, 0.0);
                return j + 1;
            }
            double d = Math.sqrt(s);
            double inv = 1.0 / d;
            l[rowJ + j] = d;
            int i = j + 1;
            // Four rows at a time: four independent dot products instead of one chain of dependent subtractions
            // (each row's sum is formed in the same order as below, so the factor is bit for bit the same).
            for (; i + 3 < m; i += 4) {
                int r0 = lOff + i * m, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m, c = aOff + i * m + j;
                double t0 = a[c], t1 = a[c + m], t2 = a[c + 2 * m], t3 = a[c + 3 * m];
                for (int k = 0; k < j; k++) {
                    double ljk = l[rowJ + k];
                    t0 -= l[r0 + k] * ljk;
                    t1 -= l[r1 + k] * ljk;
                    t2 -= l[r2 + k] * ljk;
                    t3 -= l[r3 + k] * ljk;
                }
                l[r0 + j] = t0 * inv;
                l[r1 + j] = t1 * inv;
                l[r2 + j] = t2 * inv;
                l[r3 + j] = t3 * inv;
            }
            for (; i < m; i++) {
                int rowI = lOff + i * m;
                double t = a[aOff + i * m + j];
                for (int k = 0; k < j; k++) t -= l[rowI + k] * l[rowJ + k];
                l[rowI + j] = t * inv;
            }
        }
        for (int i = 0; i < m; i++) java.util.Arrays.fill(l, lOff + i * m + i + 1, lOff + i * m + m, 0.0);
        return 0;
    }

    /**
     * Solves {@code L Lᵀ x = b} for one system: forward substitution by columns of L, then back substitution by
     * columns of Lᵀ (rows of the row-major array, a contiguous inner loop); both apply every update of an entry in
     * the order of the textbook dot product. {@code x} may be {@code b} at the same offset.
     */
    public static void solve(double[] l, int lOff, int m, double[] b, int bOff, double[] x, int xOff) {
        // Forward substitution by columns: x_i − l_ik·x_k is applied for k = 0, 1, … in the same order as a row's
        // dot product would, but the m − k updates of a column are independent (no chain of dependent subtractions).
        if (x != b || xOff != bOff) System.arraycopy(b, bOff, x, xOff, m);
        for (int k = 0; k < m; k++) {
            double xk = x[xOff + k] / l[lOff + k * m + k];
            x[xOff + k] = xk;
            for (int i = k + 1; i < m; i++) x[xOff + i] -= l[lOff + i * m + k] * xk;
        }
        for (int i = m - 1; i >= 0; i--) {
            int row = lOff + i * m;
            double xi = x[xOff + i] / l[row + i];
            x[xOff + i] = xi;
            for (int k = 0; k < i; k++) x[xOff + k] -= l[row + k] * xi;
        }
    }

    /** Float version of {@link #factor(double[], int, int, double[], int)}; dot products in double. */
    public static int factor(float[] a, int aOff, int m, float[] l, int lOff) {
        for (int j = 0; j < m; j++) {
            int rowJ = lOff + j * m;
            double s = a[aOff + j * m + j];
            for (int k = 0; k < j; k++) s -= (double) l[rowJ + k] * l[rowJ + k];
            float dj = (float) Math.sqrt(s);
            if (!(s > 0) || !(dj > 0) || dj == Float.POSITIVE_INFINITY) {
                java.util.Arrays.fill(l, lOff, lOff + m * m, 0f);
                return j + 1;
            }
            double inv = 1.0 / dj;
            l[rowJ + j] = dj;
            for (int i = j + 1; i < m; i++) {
                int rowI = lOff + i * m;
                double t = a[aOff + i * m + j];
                for (int k = 0; k < j; k++) t -= (double) l[rowI + k] * l[rowJ + k];
                l[rowI + j] = (float) (t * inv);
            }
        }
        for (int i = 0; i < m; i++) java.util.Arrays.fill(l, lOff + i * m + i + 1, lOff + i * m + m, 0f);
        return 0;
    }

    /**
     * Float version of {@link #solve(double[], int, int, double[], int, double[], int)}. The intermediate vector
     * is kept in float in {@code x} (no scratch), each dot product accumulates in double.
     */
    public static void solve(float[] l, int lOff, int m, float[] b, int bOff, float[] x, int xOff) {
        for (int i = 0; i < m; i++) {
            int row = lOff + i * m;
            double t = b[bOff + i];
            for (int k = 0; k < i; k++) t -= (double) l[row + k] * x[xOff + k];
            x[xOff + i] = (float) (t / l[row + i]);
        }
        for (int i = m - 1; i >= 0; i--) {
            int row = lOff + i * m;
            double t = x[xOff + i];
            for (int k = i + 1; k < m; k++) t -= (double) l[lOff + k * m + i] * x[xOff + k];
            x[xOff + i] = (float) (t / l[row + i]);
        }
    }
}
