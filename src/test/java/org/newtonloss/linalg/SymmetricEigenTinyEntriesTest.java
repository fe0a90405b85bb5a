package org.newtonloss.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Added by the lead (regression found by `newtonloss isolate` on logistic DSN, Hessian + escalate): per-sample
 * Hessians of saturated samples mix O(1) entries with entries near 1e-246 (or a whole matrix near 1e-88), and the QL
 * iteration threw "did not converge for eigenvalue 0 ... after 60 iterations". Negligible off-diagonals must count
 * as converged relative to the matrix norm (e.g. |e| <= eps·‖T‖), so decompose never throws for finite input.
 */
class SymmetricEigenTinyEntriesTest {
    static final double[][] CASES = {
        {2.710533078362406, 0.0, 0.0, -2.710533078362406, 0.0, 0.0, 1.0591885205493676E-246, -1.363596058793536E-246, 0.0,
         3.044075382441682E-247, 0.0, -1.363596058793536E-246, 2.5585291868923754, 0.0, -2.5585291868923754,
         -2.710533078362406, 0.0, 0.0, 2.710533078362406, 0.0, 0.0, 3.044075382441682E-247, -2.5585291868923754, 0.0,
         2.5585291868923754},
        {-1.2797812885611093E-178, 0.0, -1.213014346551527E-180, 0.0, 1.2919114320266245E-178, 0.0, 0.0, 0.0, 0.0, 0.0,
         -1.2130143465515254E-180, 0.0, 3.910690371099748E-88, 0.0, -3.910690371099748E-88, 0.0, 0.0, 0.0, 0.0, 0.0,
         1.2919114320266245E-178, 0.0, -3.910690371099748E-88, 0.0, 3.910690371099748E-88},
    };

    @Test
    void matricesWithTinyEntriesDecompose() {
        int m = 5;
        for (double[] a : CASES) {
            double[] values = new double[m], vectors = new double[m * m], work = new double[m * m];
            SymmetricEigen.decompose(a.clone(), 0, m, values, 0, vectors, 0, work);
            double norm = 0;
            for (double x : a) norm = Math.max(norm, Math.abs(x));
            // A V = V Λ, column by column
            for (int k = 0; k < m; k++)
                for (int i = 0; i < m; i++) {
                    double av = 0;
                    for (int j = 0; j < m; j++) av += a[i * m + j] * vectors[j * m + k];
                    assertTrue(Math.abs(av - values[k] * vectors[i * m + k]) <= 1e-13 * norm, "residual at " + i + "," + k);
                }
        }
    }
}
