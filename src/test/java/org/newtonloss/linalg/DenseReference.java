package org.newtonloss.linalg;

/** Independent dense reference algebra for tests: Gaussian elimination with partial pivoting, products. */
public final class DenseReference {
    private DenseReference() {}

    /** Solves the general m×m system A x = b (A row-major at aOff, not modified) by LU with partial pivoting. */
    public static double[] solve(double[] a, int aOff, int m, double[] b, int bOff) {
        double[] lu = new double[m * m];
        System.arraycopy(a, aOff, lu, 0, m * m);
        double[] x = new double[m];
        System.arraycopy(b, bOff, x, 0, m);
        for (int col = 0; col < m; col++) {
            int piv = col;
            for (int r = col + 1; r < m; r++) if (Math.abs(lu[r * m + col]) > Math.abs(lu[piv * m + col])) piv = r;
            if (lu[piv * m + col] == 0) throw new ArithmeticException("singular matrix at column " + col);
            if (piv != col) {
                for (int k = 0; k < m; k++) {
                    double t = lu[col * m + k];
                    lu[col * m + k] = lu[piv * m + k];
                    lu[piv * m + k] = t;
                }
                double t = x[col];
                x[col] = x[piv];
                x[piv] = t;
            }
            for (int r = col + 1; r < m; r++) {
                double f = lu[r * m + col] / lu[col * m + col];
                for (int k = col; k < m; k++) lu[r * m + k] -= f * lu[col * m + k];
                x[r] -= f * x[col];
            }
        }
        for (int r = m - 1; r >= 0; r--) {
            double s = x[r];
            for (int k = r + 1; k < m; k++) s -= lu[r * m + k] * x[k];
            x[r] = s / lu[r * m + r];
        }
        return x;
    }

    /** A + shift·I for the m×m block of a at aOff, as a new array. */
    public static double[] plusIdentity(double[] a, int aOff, int m, double shift) {
        double[] out = new double[m * m];
        System.arraycopy(a, aOff, out, 0, m * m);
        for (int i = 0; i < m; i++) out[i * m + i] += shift;
        return out;
    }

    /** y = A x for the m×m block of a at aOff. */
    public static double[] multiply(double[] a, int aOff, int m, double[] x, int xOff) {
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < m; j++) s += a[aOff + i * m + j] * x[xOff + j];
            y[i] = s;
        }
        return y;
    }
}
