package org.newtonloss.linalg;

/**
 * A spectral function of one symmetric matrix applied to vectors, {@code x = V diag(h) Vᵀ g} for A = V Λ Vᵀ,
 * without ever forming V: A is reduced to tridiagonal form T = Qᵀ A Q by Householder reflectors, T's eigenvalues
 * are found by the implicit QL iteration (as in {@link SymmetricEigen}), and the QL rotations are recorded instead
 * of accumulated. Preparing costs about (4/3)m³ flops instead of {@link SymmetricEigen}'s ~9m³; each application
 * costs O(m²) (the reflectors and the recorded rotations, about 2m² of them).
 *
 * <p>This is what the spectral and clip safeguards need: h_k = 1/d(λ_k) for a modified eigenvalue d(λ_k). A
 * mutable workspace for one matrix at a time (not thread-safe); it allocates only when it grows.
 */
public final class SpectralOperator {
    private int m;
    private double[] z = new double[0];      // reflector vectors below the subdiagonal (column k, rows k+1..)
    private double[] work = new double[0];   // e, β, p as in SymmetricEigen.tridiagonalize
    private double[] values = new double[0]; // eigenvalues, in the order of the recorded basis (not sorted)
    private double[] tmp = new double[0];
    private int[] rotationIndex = new int[0];
    private double[] rotationC = new double[0];
    private double[] rotationS = new double[0];
    private int rotations;

    /** Creates an empty workspace. */
    public SpectralOperator() {}

    /**
     * Decomposes the symmetric m×m matrix at {@code a[off ..]} (symmetrised as (A + Aᵀ)/2, not modified).
     *
     * @throws IllegalArgumentException if the matrix holds a NaN or infinite entry
     * @throws ArithmeticException      if the QL iteration does not converge (not seen for finite input)
     */
    public void decompose(double[] a, int off, int m) {
        if (m < 1) throw new IllegalArgumentException("m must be >= 1, got " + m);
        this.m = m;
        if (z.length < m * m) {
            z = new double[m * m];
            work = new double[SymmetricEigen.workSize(m)];
            values = new double[m];
            tmp = new double[m];
        }
        SymmetricEigen.loadSymmetric(a, off, m, z, 0);
        SymmetricEigen.tridiagonalize(z, 0, m, values, 0, work);
        rotations = 0;
        SymmetricEigen.ql(values, 0, work, null, 0, m, this);
    }

    /** Order of the last decomposed matrix. */
    public int m() { return m; }

    /** Eigenvalue k of the last decomposed matrix, k &lt; m, in the operator's own (unsorted) order. */
    public double eigenvalue(int k) { return values[k]; }

    /** Called by the QL iteration: the basis was rotated by (c, s) in the plane (i, i+1). */
    void record(int i, double c, double s) {
        if (rotations == rotationIndex.length) {
            int n = Math.max(16, 2 * rotations);
            rotationIndex = java.util.Arrays.copyOf(rotationIndex, n);
            rotationC = java.util.Arrays.copyOf(rotationC, n);
            rotationS = java.util.Arrays.copyOf(rotationS, n);
        }
        rotationIndex[rotations] = i;
        rotationC[rotations] = c;
        rotationS[rotations] = s;
        rotations++;
    }

    /**
     * {@code out = V diag(h) Vᵀ g}: {@code h[k]} multiplies the component along eigenvector k (same order as
     * {@link #eigenvalue}). {@code out} may be {@code g} at the same offset.
     */
    public void apply(double[] h, double[] g, int gOff, double[] out, int outOff) {
        double[] y = tmp;
        System.arraycopy(g, gOff, y, 0, m);
        int bOff = m;
        for (int k = 0; k < m - 2; k++) reflect(k, work[bOff + k], y); // Qᵀg = H_{m−3} … H_0 g
        for (int r = 0; r < rotations; r++) { // V_Tᵀ = R_Kᵀ … R_1ᵀ: R_1ᵀ first
            int i = rotationIndex[r];
            double c = rotationC[r], s = rotationS[r];
            double yi = y[i], yi1 = y[i + 1];
            y[i] = c * yi - s * yi1;
            y[i + 1] = s * yi + c * yi1;
        }
        for (int k = 0; k < m; k++) y[k] *= h[k];
        for (int r = rotations - 1; r >= 0; r--) { // V_T = R_1 … R_K: R_K first
            int i = rotationIndex[r];
            double c = rotationC[r], s = rotationS[r];
            double yi = y[i], yi1 = y[i + 1];
            y[i] = c * yi + s * yi1;
            y[i + 1] = -s * yi + c * yi1;
        }
        for (int k = m - 3; k >= 0; k--) reflect(k, work[bOff + k], y); // Q = H_0 … H_{m−3}: H_{m−3} first
        System.arraycopy(y, 0, out, outOff, m);
    }

    /** y ← (I − β v vᵀ) y for reflector k (v in column k of z, rows k+1..). */
    private void reflect(int k, double beta, double[] y) {
        if (beta == 0) return;
        double dot = 0;
        for (int i = k + 1; i < m; i++) dot += z[i * m + k] * y[i];
        dot *= beta;
        for (int i = k + 1; i < m; i++) y[i] -= dot * z[i * m + k];
    }
}
