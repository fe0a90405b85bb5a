package org.newtonloss.newton;

import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.linalg.SpectralOperator;

/**
 * One safeguarded m×m system (C + λI) at a time: {@link #prepare} symmetrises C and factors it (Cholesky, or an
 * eigendecomposition with the safeguard's eigenvalue map), {@link #apply} solves for one right-hand side.
 * Mutable scratch owned by one thread; it allocates only when it grows, never per system.
 */
final class DampedSystem {
    private int m;
    private double[] sym = new double[0];
    private double[] factor = new double[0];
    private double[] inverse = new double[0]; // 1/d_k for the eigenvalues d_k of the solved system
    private final SpectralOperator spectrum = new SpectralOperator();
    private boolean eigen;

    /** Status code of the last prepared system (see {@link NewtonResult}). */
    int status;
    /** Damping reported for the last prepared system. */
    double lambdaUsed;
    /** Eigenvalues changed by the safeguard in the last prepared system. */
    int modified;
    /** Smallest eigenvalue of the symmetrised C of the last system, NaN when it was not eigen-decomposed. */
    double minEigenvalue;

    private void ensure(int m) {
        this.m = m;
        if (sym.length < m * m) {
            sym = new double[m * m];
            factor = new double[m * m];
            inverse = new double[m];
        }
    }

    /** Prepares the system from the m×m matrix at {@code c[off ...]} (not modified). */
    void prepare(Safeguard safeguard, double lambda, double[] c, int off, int m) {
        ensure(m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                double x = 0.5 * (c[off + i * m + j] + c[off + j * m + i]);
                sym[i * m + j] = x;
                sym[j * m + i] = x;
            }
        prepareSymmetric(safeguard, lambda);
    }

    /** Prepares the system from the symmetric matrix already in {@link #matrix()}. */
    void prepareSymmetric(Safeguard safeguard, double lambda) {
        modified = 0;
        minEigenvalue = Double.NaN;
        lambdaUsed = lambda;
        status = NewtonResult.STATUS_OK;
        switch (safeguard) {
            case ESCALATE -> escalate(lambda);
            case SPECTRAL, CLIP -> spectral(safeguard, lambda);
        }
    }

    /** Scratch m×m matrix that {@link #prepareSymmetric} reads (row-major, must be symmetric). */
    double[] matrix(int m) {
        ensure(m);
        return sym;
    }

    /** 10^k for k = 0 … MAX_ESCALATIONS (exact powers, no {@code Math.pow} per try). */
    private static final double[] POWERS_OF_TEN = new double[Safeguard.MAX_ESCALATIONS + 1];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int k = 1; k < POWERS_OF_TEN.length; k++) POWERS_OF_TEN[k] = POWERS_OF_TEN[k - 1] * 10;
    }

    /** Eigenvalues within this many eps·‖C‖_F of a safeguard's threshold are rounding, not curvature. */
    static final double ROUNDING = 64 * Math.ulp(1.0);
    /**
     * ... or within this fraction of λ: keeping such an eigenvalue changes the solved system's eigenvalue by less
     * than 1e-9 relative. (A saturated Gauss-Newton matrix made only of ±1e-17 cancellation residue has
     * eigenvalues of −4e-17, "negative" relative to its own tiny norm, but no curvature at all.)
     */
    static final double RELATIVE_TO_LAMBDA = 1e-9;

    /** Cholesky of C + shift·I into {@code factor}; true when it succeeded. */
    private boolean choleskyWithShift(double shift) {
        for (int i = 0; i < m; i++) {
            System.arraycopy(sym, i * m, factor, i * m, i + 1);
            factor[i * m + i] += shift;
        }
        return BatchedCholesky.factor(factor, 0, m, factor, 0) == 0;
    }

    private void escalate(double lambda) {
        for (int k = 0; k <= Safeguard.MAX_ESCALATIONS; k++) {
            double damping = lambda * POWERS_OF_TEN[k];
            if (!Double.isFinite(damping)) break;
            if (choleskyWithShift(damping)) {
                eigen = false;
                lambdaUsed = damping;
                status = k;
                return;
            }
        }
        spectral(Safeguard.SPECTRAL, lambda);
        status = NewtonResult.STATUS_FALLBACK;
    }

    /**
     * Spectral or clip. Eigenvalues within tol = min(max(64·eps·‖C‖_F, 1e-9·λ), λ/2) of the threshold are rounding: they are
     * left as they are (and not counted), so the solved eigenvalues stay ≥ λ/2. That makes a shortcut exact: when
     * C + tol·I has a Cholesky factor, every μ ≥ −tol, nothing would change, and the system is C + λI itself —
     * two Cholesky factorisations instead of an eigendecomposition for every PSD curvature.
     */
    private void spectral(Safeguard safeguard, double lambda) {
        double norm2 = 0;
        for (int k = 0; k < m * m; k++) norm2 += sym[k] * sym[k];
        double tol = Math.min(Math.max(ROUNDING * Math.sqrt(norm2), RELATIVE_TO_LAMBDA * lambda), lambda / 2);
        if (choleskyWithShift(tol) && choleskyWithShift(lambda)) {
            eigen = false;
            return;
        }
        eigen = true;
        spectrum.decompose(sym, 0, m);
        double min = Double.POSITIVE_INFINITY;
        int changed = 0;
        for (int k = 0; k < m; k++) {
            double mu = spectrum.eigenvalue(k);
            min = Math.min(min, mu);
            double d;
            if (safeguard == Safeguard.SPECTRAL) {
                double nu = mu + lambda;
                if (nu >= lambda - tol) d = nu;
                else {
                    d = Math.max(Math.abs(nu), lambda);
                    changed++;
                }
            } else if (mu >= -tol) d = mu + lambda;
            else {
                d = lambda;
                changed++;
            }
            inverse[k] = 1 / d;
        }
        minEigenvalue = min;
        modified = changed;
        if (changed > 0) status = NewtonResult.STATUS_MODIFIED;
    }

    /** Writes the solution of the prepared system for the right-hand side {@code g[gOff ..]} to {@code out}. */
    void apply(double[] g, int gOff, double[] out, int outOff) {
        if (!eigen) {
            BatchedCholesky.solve(factor, 0, m, g, gOff, out, outOff);
            return;
        }
        spectrum.apply(inverse, g, gOff, out, outOff);
    }
}
