package org.newtonloss.linalg;

import java.util.Random;

/** Seeded random test matrices on flat row-major arrays. */
public final class RandomMatrices {
    private RandomMatrices() {}

    /** A random orthogonal m×m matrix (Gram-Schmidt of a Gaussian matrix), row-major. */
    public static double[] orthogonal(Random rnd, int m) {
        double[] q = new double[m * m];
        for (int k = 0; k < q.length; k++) q[k] = rnd.nextGaussian();
        for (int j = 0; j < m; j++) { // columns j
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += q[i * m + j] * q[i * m + p];
                    for (int i = 0; i < m; i++) q[i * m + j] -= dot * q[i * m + p];
                }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += q[i * m + j] * q[i * m + j];
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) q[i * m + j] /= norm;
        }
        return q;
    }

    /** Q diag(eigenvalues) Qᵀ for a random orthogonal Q, exactly symmetric. */
    public static double[] withEigenvalues(Random rnd, double[] eigenvalues) {
        int m = eigenvalues.length;
        double[] q = orthogonal(rnd, m);
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) s += q[i * m + k] * eigenvalues[k] * q[j * m + k];
                a[i * m + j] = s;
                a[j * m + i] = s;
            }
        return a;
    }

    /** A random SPD matrix B Bᵀ/m + I·0.1 (well conditioned enough for residual tests at any m). */
    public static double[] spd(Random rnd, int m) {
        double[] b = new double[m * m];
        for (int k = 0; k < b.length; k++) b[k] = rnd.nextGaussian();
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) s += b[i * m + k] * b[j * m + k];
                s /= m;
                if (i == j) s += 0.1;
                a[i * m + j] = s;
                a[j * m + i] = s;
            }
        return a;
    }

    /** A random symmetric matrix with Gaussian entries. */
    public static double[] symmetric(Random rnd, int m) {
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++) {
                double s = rnd.nextGaussian();
                a[i * m + j] = s;
                a[j * m + i] = s;
            }
        return a;
    }

    /** Frobenius norm of a[off .. off+len). */
    public static double frobenius(double[] a, int off, int len) {
        double s = 0;
        for (int k = off; k < off + len; k++) s += a[k] * a[k];
        return Math.sqrt(s);
    }
}
