package org.newtonloss.linalg;

import org.newtonloss.loss.Batches;

/**
 * Eigendecomposition {@code A = V Λ Vᵀ} of a batch of small real symmetric matrices by the cyclic Jacobi method
 * (Jacobi 1846; threshold-free cyclic sweeps as in Golub and Van Loan, "Matrix Computations", §8.5). Jacobi is
 * chosen over Householder tridiagonalisation + QL for its accuracy (eigenvalues to a few eps·‖A‖, orthogonal V
 * to a few eps) and its simplicity; it costs about 6–10 sweeps of 4m³ flops each.
 *
 * <p>Layout: system s's m×m input at {@code [s*m*m, ...)} (row-major; it is symmetrised as (A + Aᵀ)/2, so a
 * Hessian with rounding asymmetry is fine), its eigenvalues in ascending order at {@code values[s*m ...]}, its
 * eigenvectors as the <em>columns</em> of the row-major m×m block {@code vectors[s*m*m ...]}, so that
 * {@code A V = V Λ} with {@code V[i][k]} = component i of eigenvector k. Non-finite input throws.
 */
public final class SymmetricEigen {
    /** Sweeps after which the iteration stops even if not converged (it converges in &lt; 15 for m ≤ 200). */
    static final int MAX_SWEEPS = 60;

    private SymmetricEigen() {}

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
        ThreadLocal<double[]> work = ThreadLocal.withInitial(() -> new double[m * m]);
        Batches.forEachSample(batch, 4 * m * m, s ->
                decompose(a, s * m * m, m, values, s * m, vectors, s * m * m, work.get()));
    }

    /**
     * Decomposes one matrix. {@code work} is scratch of at least m*m doubles; nothing is allocated.
     *
     * @return the number of sweeps used
     * @throws IllegalArgumentException if the matrix holds a NaN or infinite entry
     */
    public static int decompose(double[] a, int aOff, int m, double[] values, int wOff, double[] vectors, int vOff,
                                double[] work) {
        double[] s = work;
        double norm2 = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double x = 0.5 * (a[aOff + i * m + j] + a[aOff + j * m + i]);
                if (!Double.isFinite(x))
                    throw new IllegalArgumentException("matrix entry (" + i + "," + j + ") must be finite, got "
                            + a[aOff + i * m + j] + " / " + a[aOff + j * m + i]);
                s[i * m + j] = i == j ? 0 : x; // the diagonal lives in values
                if (i == j) values[wOff + i] = x;
                norm2 += x * x;
                vectors[vOff + i * m + j] = i == j ? 1.0 : 0.0;
            }
        }
        // Off-diagonal mass below (eps·‖A‖_F)² / 100 moves no eigenvalue by more than a fraction of eps·‖A‖.
        double tol2 = norm2 * 1e-2 * Math.ulp(1.0) * Math.ulp(1.0);
        int sweep = 0;
        while (sweep < MAX_SWEEPS) {
            double off = 0;
            for (int p = 0; p < m; p++)
                for (int q = p + 1; q < m; q++) off += s[p * m + q] * s[p * m + q];
            if (off <= tol2 || off == 0) break;
            sweep++;
            for (int p = 0; p < m - 1; p++) {
                for (int q = p + 1; q < m; q++) {
                    double apq = s[p * m + q];
                    if (apq == 0) continue;
                    rotate(s, values, wOff, vectors, vOff, m, p, q, apq);
                }
            }
        }
        sortAscending(values, wOff, vectors, vOff, m);
        return sweep;
    }

    /**
     * One Jacobi rotation J(p, q) with A ← JᵀAJ zeroing A[p][q], and V ← VJ, in Rutishauser's form: the diagonal
     * moves by ∓t·a_pq and the other entries by s·(… + τ·…) with τ = s/(1 + c), which loses less to rounding
     * than multiplying by c and s directly. The diagonal lives in {@code d}; the off-diagonal part of A in
     * {@code a} (both triangles kept equal).
     */
    private static void rotate(double[] a, double[] d, int dOff, double[] v, int vOff, int m, int p, int q,
                               double apq) {
        double theta = (d[dOff + q] - d[dOff + p]) / (2 * apq);
        // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0 (stable for large |θ|).
        double t = Math.abs(theta) > 1e150
                ? 0.5 / theta
                : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double sn = t * c;
        double tau = sn / (1 + c);
        double h = t * apq;
        d[dOff + p] -= h;
        d[dOff + q] += h;
        a[p * m + q] = 0;
        a[q * m + p] = 0;
        for (int k = 0; k < m; k++) {
            if (k == p || k == q) continue;
            double akp = a[k * m + p];
            double akq = a[k * m + q];
            double np = akp - sn * (akq + tau * akp);
            double nq = akq + sn * (akp - tau * akq);
            a[k * m + p] = np;
            a[p * m + k] = np;
            a[k * m + q] = nq;
            a[q * m + k] = nq;
        }
        for (int k = 0; k < m; k++) {
            int row = vOff + k * m;
            double vkp = v[row + p];
            double vkq = v[row + q];
            v[row + p] = vkp - sn * (vkq + tau * vkp);
            v[row + q] = vkq + sn * (vkp - tau * vkq);
        }
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
