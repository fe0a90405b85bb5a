package org.newtonloss.linalg;


/**
 * Eigendecomposition {@code A = V Λ Vᵀ} of a batch of small real symmetric matrices: Householder reduction to
 * tridiagonal form, then the implicit QL iteration with shifts on the tridiagonal matrix, accumulating the
 * transformations into V (the algorithm of EISPACK's tred2/tql2: Martin, Reinsch and Wilkinson; Bowdler, Martin,
 * Reinsch and Wilkinson, Numer. Math. 11, 1968; here written for row-major flat arrays with the reflectors
 * stored below the subdiagonal and accumulated backwards). About 9m³ flops per matrix, backward stable:
 * eigenvalues to a few eps·‖A‖, V orthogonal to a few eps.
 *
 * <p>Layout: system s's m×m input at {@code [s*m*m, ...)} (row-major; it is symmetrised as (A + Aᵀ)/2, so a
 * Hessian with rounding asymmetry is fine), its eigenvalues in ascending order at {@code values[s*m ...]}, its
 * eigenvectors as the <em>columns</em> of the row-major m×m block {@code vectors[s*m*m ...]}, so that
 * {@code A V = V Λ} with {@code V[i][k]} = component i of eigenvector k. Non-finite input throws.
 */
public final class SymmetricEigen {
    /** QL iterations allowed per eigenvalue (2–3 are typical). */
    static final int MAX_ITERATIONS = 60;

    private SymmetricEigen() {}

    /** Scratch doubles that {@link #decompose(double[], int, int, double[], int, double[], int, double[])} needs. */
    public static int workSize(int m) { return 3 * m; }

    /**
     * Decomposes every matrix of the batch.
     *
     * @param a       not modified: batch of symmetric m×m matrices
     * @param values  modified: m ascending eigenvalues per matrix
     * @param vectors modified: m×m eigenvector matrix per matrix (columns are eigenvectors)
     */
    public static void decompose(double[] a, int batch, int m, double[] values, double[] vectors) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("a", a.length, batch, m * m);
        Shapes.checkLength("values", values.length, batch, m);
        Shapes.checkLength("vectors", vectors.length, batch, m * m);
        ThreadLocal<double[]> work = ThreadLocal.withInitial(() -> new double[workSize(m)]);
        SystemLoop.forEach(batch, m, 12 * SystemLoop.choleskyFlops(m) + 64L * m * m, s ->
                decompose(a, s * m * m, m, values, s * m, vectors, s * m * m, work.get()));
    }

    /**
     * Decomposes one matrix; {@code work} holds at least {@link #workSize}(m) doubles; nothing is allocated.
     * {@code vectors} is used as the working matrix, so it must not overlap {@code a}'s block.
     *
     * @throws IllegalArgumentException if the matrix holds a NaN or infinite entry
     * @throws ArithmeticException      if the QL iteration does not converge (not seen for finite input)
     */
    public static void decompose(double[] a, int aOff, int m, double[] values, int wOff, double[] vectors, int vOff,
                                 double[] work) {
        double[] z = vectors;
        loadSymmetric(a, aOff, m, z, vOff);
        // work: [0, m) subdiagonal e, [m, 2m) Householder β per column, [2m, 3m) the vector p / w
        tridiagonalize(z, vOff, m, values, wOff, work);
        accumulate(z, vOff, m, work);
        ql(values, wOff, work, z, vOff, m, null);
        sortAscending(values, wOff, z, vOff, m);
    }

    /** Copies (A + Aᵀ)/2 into z; throws naming the entry if A holds a NaN or ∞. */
    static void loadSymmetric(double[] a, int aOff, int m, double[] z, int zOff) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double x = 0.5 * (a[aOff + i * m + j] + a[aOff + j * m + i]);
                if (!Double.isFinite(x))
                    throw new IllegalArgumentException("matrix entry (" + i + "," + j + ") must be finite, got "
                            + a[aOff + i * m + j] + " / " + a[aOff + j * m + i]);
                z[zOff + i * m + j] = x;
                z[zOff + j * m + i] = x;
            }
        }
    }

    /**
     * Reduces the symmetric matrix in {@code z} to tridiagonal form T = Qᵀ A Q by Householder reflectors
     * H_k = I − β_k v_k v_kᵀ, k = 0 … m−3, acting on rows/columns k+1 … m−1. Afterwards the diagonal of T is in
     * {@code d}, the subdiagonal in {@code work[0..m-1)} (e[i] = T[i+1][i]), v_k in column k of z at rows
     * k+1 … m−1 and β_k in work[m+k].
     */
    static void tridiagonalize(double[] z, int o, int m, double[] d, int dOff, double[] work) {
        int bOff = m, pOff = 2 * m;
        for (int k = 0; k < m - 2; k++) {
            double big = 0;
            for (int i = k + 1; i < m; i++) big = Math.max(big, Math.abs(z[o + i * m + k]));
            double sum = 0;
            if (big > 0)
                for (int i = k + 1; i < m; i++) {
                    double t = z[o + i * m + k] / big;
                    sum += t * t;
                }
            double norm = big * Math.sqrt(sum); // scaled: no overflow or underflow in the squares
            double x0 = z[o + (k + 1) * m + k];
            if (norm == 0) {
                work[k] = 0;
                work[bOff + k] = 0;
                continue;
            }
            double alpha = x0 > 0 ? -norm : norm; // v = x − αe₁ without cancellation
            z[o + (k + 1) * m + k] = x0 - alpha;   // v stored in place of x (column k, rows k+1..)
            double vv = 0;
            for (int i = k + 1; i < m; i++) vv += z[o + i * m + k] * z[o + i * m + k];
            double beta = 2 / vv;
            work[k] = alpha;
            work[bOff + k] = beta;
            // p = β A' v on the trailing block A' = A[k+1.., k+1..] (both triangles kept)
            double vp = 0;
            for (int i = k + 1; i < m; i++) {
                double s = 0;
                int row = o + i * m;
                for (int j = k + 1; j < m; j++) s += z[row + j] * z[o + j * m + k];
                work[pOff + i] = beta * s;
                vp += z[o + i * m + k] * work[pOff + i];
            }
            // w = p − (β vᵀp / 2) v, then A' ← A' − v wᵀ − w vᵀ
            double half = beta * vp / 2;
            for (int i = k + 1; i < m; i++) work[pOff + i] -= half * z[o + i * m + k];
            for (int i = k + 1; i < m; i++) {
                double vi = z[o + i * m + k];
                double wi = work[pOff + i];
                int row = o + i * m;
                for (int j = k + 1; j <= i; j++) {
                    double x = z[row + j] - vi * work[pOff + j] - wi * z[o + j * m + k];
                    z[row + j] = x;
                    z[o + j * m + i] = x;
                }
            }
        }
        for (int i = 0; i < m; i++) d[dOff + i] = z[o + i * m + i];
        if (m >= 2) work[m - 2] = z[o + (m - 1) * m + m - 2];
        work[m - 1] = 0;
    }

    /**
     * Overwrites z with Q = H_0 H_1 … H_{m−3}, applying the reflectors backwards so that each touches only its
     * trailing block. The reflector vectors are read from column k of z before that column is overwritten.
     */
    private static void accumulate(double[] z, int o, int m, double[] work) {
        int bOff = m, pOff = 2 * m;
        // the last rows/columns not touched by any reflector start as the identity
        for (int i = Math.max(0, m - 2); i < m; i++)
            for (int j = Math.max(0, m - 2); j < m; j++) z[o + i * m + j] = i == j ? 1 : 0;
        for (int k = m - 3; k >= 0; k--) {
            double beta = work[bOff + k];
            // save v (rows k+1.. of column k) into the p buffer, then make row/column k the unit vector
            for (int i = k + 1; i < m; i++) work[pOff + i] = z[o + i * m + k];
            for (int i = k; i < m; i++) {
                z[o + i * m + k] = i == k ? 1 : 0;
                z[o + k * m + i] = i == k ? 1 : 0;
            }
            if (beta == 0) continue;
            // Q' ← (I − β v vᵀ) Q' on rows/columns k+1..
            for (int j = k + 1; j < m; j++) {
                double s = 0;
                for (int i = k + 1; i < m; i++) s += work[pOff + i] * z[o + i * m + j];
                s *= beta;
                if (s == 0) continue;
                for (int i = k + 1; i < m; i++) z[o + i * m + j] -= s * work[pOff + i];
            }
        }
    }

    /**
     * Implicit QL with shifts on the tridiagonal (d, e), e[i] coupling i and i+1, rotating the columns of z — or,
     * when {@code log} is not null, recording each rotation there instead. Each eigenvalue is split off when
     * |e[j]| ≤ eps·max(|d[j]| + |d[j+1]|, ‖T‖) (backward-stable deflation).
     */
    static void ql(double[] d, int dOff, double[] e, double[] z, int o, int m, SpectralOperator log) {
        final double eps = Math.ulp(1.0);
        // Split test against ‖T‖ (as EISPACK's tql2 does), not only the two neighbouring diagonal entries: near a
        // zero eigenvalue the local test would wait for |e| to fall below eps·|d| ≈ eps², which rounding prevents.
        double norm = 0;
        for (int i = 0; i < m; i++) norm = Math.max(norm, Math.abs(d[dOff + i]) + Math.abs(e[i]));
        for (int l = 0; l < m; l++) {
            int iter = 0;
            while (true) {
                int mm = l;
                while (mm < m - 1) {
                    double dd = Math.abs(d[dOff + mm]) + Math.abs(d[dOff + mm + 1]);
                    if (Math.abs(e[mm]) <= eps * Math.max(dd, norm)) break;
                    mm++;
                }
                if (mm == l) break;
                if (++iter > MAX_ITERATIONS)
                    throw new ArithmeticException("QL iteration did not converge for eigenvalue " + l + " of an "
                            + m + "×" + m + " matrix after " + MAX_ITERATIONS + " iterations");
                // shift from the leading 2×2 block (Wilkinson), chasing the bulge from mm up to l
                double g = (d[dOff + l + 1] - d[dOff + l]) / (2 * e[l]);
                double r = hypot(g, 1);
                g = d[dOff + mm] - d[dOff + l] + e[l] / (g + Math.copySign(r, g));
                double s = 1, c = 1, p = 0;
                boolean underflow = false;
                for (int i = mm - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) { // recover from underflow: deflate and restart
                        d[dOff + i + 1] -= p;
                        e[mm] = 0;
                        underflow = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[dOff + i + 1] - p;
                    r = (d[dOff + i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[dOff + i + 1] = g + p;
                    g = c * r - b;
                    if (log != null) {
                        log.record(i, c, s);
                        continue;
                    }
                    for (int k = 0; k < m; k++) {
                        int row = o + k * m;
                        double zi = z[row + i];
                        double zi1 = z[row + i + 1];
                        z[row + i + 1] = s * zi + c * zi1;
                        z[row + i] = c * zi - s * zi1;
                    }
                }
                if (underflow) continue;
                d[dOff + l] -= p;
                e[l] = g;
                e[mm] = 0;
            }
        }
    }

    /** √(a² + b²) without overflow; much faster than {@link Math#hypot}, accurate to a few ulps. */
    private static double hypot(double a, double b) {
        a = Math.abs(a);
        b = Math.abs(b);
        if (a < b) {
            double t = a;
            a = b;
            b = t;
        }
        if (a == 0) return 0;
        if (a == Double.POSITIVE_INFINITY) return a;
        double t = b / a;
        return a * Math.sqrt(1 + t * t);
    }

    /** Selection sort of the eigenvalues with their eigenvector columns (m is small). */
    private static void sortAscending(double[] w, int wOff, double[] v, int vOff, int m) {
        for (int i = 0; i < m - 1; i++) {
            int min = i;
            for (int j = i + 1; j < m; j++) if (w[wOff + j] < w[wOff + min]) min = j;
            if (min == i) continue;
            double tw = w[wOff + i];
            w[wOff + i] = w[wOff + min];
            w[wOff + min] = tw;
            for (int k = 0; k < m; k++) {
                int row = vOff + k * m;
                double tv = v[row + i];
                v[row + i] = v[row + min];
                v[row + min] = tv;
            }
        }
    }
}
