package org.newtonloss.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BatchedCholeskyTest {
    private static final double EPS = Math.ulp(1.0);
    private static final double EPS_F = Math.ulp(1.0f);
    private static final int BATCH = 3;

    static IntStream sizes() {
        return IntStream.of(1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 17, 24, 31, 32, 33, 48, 64, 100, 144, 160, 163);
    }

    private static double[] batchOfSpd(long seed, int m) {
        Random rnd = new Random(seed);
        double[] a = new double[BATCH * m * m];
        for (int s = 0; s < BATCH; s++) System.arraycopy(RandomMatrices.spd(rnd, m), 0, a, s * m * m, m * m);
        return a;
    }

    /** ‖L Lᵀ − A‖_F / ‖A‖_F for system s, with L read through an accessor so float and double share it. */
    private static double residual(double[] a, java.util.function.IntToDoubleFunction l, int s, int m) {
        int o = s * m * m;
        double diff = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double x = 0;
                for (int k = 0; k < m; k++) x += l.applyAsDouble(o + i * m + k) * l.applyAsDouble(o + j * m + k);
                diff += (x - a[o + i * m + j]) * (x - a[o + i * m + j]);
            }
        return Math.sqrt(diff) / RandomMatrices.frobenius(a, o, m * m);
    }

    @ParameterizedTest(name = "m = {0}")
    @MethodSource("sizes")
    void factorResidualDouble(int m) {
        double[] a = batchOfSpd(m, m);
        double[] l = new double[a.length];
        int[] info = BatchedCholesky.factor(a, BATCH, m, l);
        for (int s = 0; s < BATCH; s++) {
            assertEquals(0, info[s], "info of system " + s);
            double r = residual(a, k -> l[k], s, m);
            assertTrue(r < 30 * EPS, "residual " + r + " at m = " + m);
            for (int i = 0; i < m; i++)
                for (int j = i + 1; j < m; j++) assertEquals(0.0, l[s * m * m + i * m + j], "upper triangle");
        }
    }

    @ParameterizedTest(name = "m = {0}")
    @MethodSource("sizes")
    void factorResidualFloat(int m) {
        double[] ad = batchOfSpd(m, m);
        float[] a = new float[ad.length];
        for (int k = 0; k < a.length; k++) a[k] = (float) ad[k];
        double[] aRounded = new double[a.length];
        for (int k = 0; k < a.length; k++) aRounded[k] = a[k];
        float[] l = new float[a.length];
        int[] info = BatchedCholesky.factor(a, BATCH, m, l);
        for (int s = 0; s < BATCH; s++) {
            assertEquals(0, info[s]);
            double r = residual(aRounded, k -> l[k], s, m);
            assertTrue(r < 30 * EPS_F, "float residual " + r + " at m = " + m);
        }
    }

    @ParameterizedTest(name = "m = {0}")
    @MethodSource("sizes")
    void solveResidual(int m) {
        double[] a = batchOfSpd(1000 + m, m);
        Random rnd = new Random(m);
        double[] b = new double[BATCH * m];
        for (int k = 0; k < b.length; k++) b[k] = rnd.nextGaussian();
        double[] l = new double[a.length];
        int[] info = BatchedCholesky.factor(a, BATCH, m, l);
        double[] x = new double[b.length];
        BatchedCholesky.solve(l, info, b, BATCH, m, x);
        float[] af = new float[a.length], bf = new float[b.length], lf = new float[a.length], xf = new float[b.length];
        for (int k = 0; k < a.length; k++) af[k] = (float) a[k];
        for (int k = 0; k < b.length; k++) bf[k] = (float) b[k];
        BatchedCholesky.solve(lf, BatchedCholesky.factor(af, BATCH, m, lf), bf, BATCH, m, xf);
        for (int s = 0; s < BATCH; s++) {
            double rd = 0, rf = 0;
            for (int i = 0; i < m; i++) {
                double axd = 0, axf = 0;
                for (int j = 0; j < m; j++) {
                    axd += a[s * m * m + i * m + j] * x[s * m + j];
                    axf += af[s * m * m + i * m + j] * (double) xf[s * m + j];
                }
                rd += Math.pow(axd - b[s * m + i], 2);
                rf += Math.pow(axf - bf[s * m + i], 2);
            }
            double scale = RandomMatrices.frobenius(a, s * m * m, m * m) * RandomMatrices.frobenius(x, s * m, m);
            // backward error ‖b − Ax‖ / (‖A‖‖x‖): Cholesky solves are backward stable
            assertTrue(Math.sqrt(rd) / scale < 30 * EPS, "double solve residual " + Math.sqrt(rd) / scale);
            assertTrue(Math.sqrt(rf) / scale < 30 * EPS_F, "float solve residual " + Math.sqrt(rf) / scale);
        }
    }

    @Test
    void inPlaceEqualsOutOfPlace() {
        int m = 9;
        double[] a = batchOfSpd(7, m);
        double[] l = new double[a.length];
        BatchedCholesky.factor(a, BATCH, m, l);
        double[] inPlace = a.clone();
        BatchedCholesky.factor(inPlace, BATCH, m, inPlace);
        assertArrayEquals(l, inPlace);
        double[] b = new Random(1).doubles(BATCH * m).toArray();
        double[] x = new double[b.length];
        BatchedCholesky.solve(l, null, b, BATCH, m, x);
        BatchedCholesky.solve(l, null, b, BATCH, m, b);
        assertArrayEquals(x, b);
    }

    @Test
    void parallelBatchEqualsSystemBySystem() {
        int m = 8, batch = 2000; // above SystemLoop.SEQUENTIAL_FLOPS: runs on the common pool
        assertTrue((double) batch * SystemLoop.choleskyFlops(m) >= SystemLoop.SEQUENTIAL_FLOPS);
        Random rnd = new Random(12);
        double[] a = new double[batch * m * m];
        for (int s = 0; s < batch; s++) {
            double[] block = s % 7 == 3 ? RandomMatrices.symmetric(rnd, m) : RandomMatrices.spd(rnd, m);
            System.arraycopy(block, 0, a, s * m * m, m * m);
        }
        double[] b = rnd.doubles(batch * m).toArray();
        double[] l = new double[a.length];
        double[] x = new double[b.length];
        int[] info = BatchedCholesky.factor(a, batch, m, l);
        BatchedCholesky.solve(l, info, b, batch, m, x);
        double[] l1 = new double[m * m];
        double[] x1 = new double[m];
        for (int s = 0; s < batch; s++) {
            int expectedInfo = BatchedCholesky.factor(a, s * m * m, m, l1, 0);
            assertEquals(expectedInfo, info[s], "info " + s);
            assertArrayEquals(l1, java.util.Arrays.copyOfRange(l, s * m * m, (s + 1) * m * m), "factor " + s);
            if (expectedInfo == 0) {
                BatchedCholesky.solve(l1, 0, m, b, s * m, x1, 0);
                assertArrayEquals(x1, java.util.Arrays.copyOfRange(x, s * m, (s + 1) * m), "solution " + s);
            }
        }
    }

    record Failure(String name, double[] diagonalOrMatrix, int m, int expectedInfo) {
        @Override public String toString() { return name; }
    }

    static Stream<Failure> failures() {
        return Stream.of(
                new Failure("negative first pivot", new double[] {-1, 0, 0, 1}, 2, 1),
                new Failure("indefinite 3rd minor", new double[] {4, 2, 0, 2, 5, 3, 0, 3, 1}, 3, 3),
                new Failure("singular all-ones", new double[] {1, 1, 1, 1}, 2, 2),
                new Failure("zero matrix", new double[9], 3, 1),
                new Failure("ranking-like H·1 = 0", new double[] {1, -1, -1, 1}, 2, 2),
                new Failure("NaN entry", new double[] {1, 0, 0, Double.NaN}, 2, 2),
                new Failure("infinite entry", new double[] {Double.POSITIVE_INFINITY, 0, 0, 1}, 2, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failureIsReportedAsInfoWithoutNaN(Failure f) {
        int m = f.m();
        // the failing system sits between two good ones: its neighbours must be unaffected
        double[] good = RandomMatrices.spd(new Random(3), m);
        double[] a = new double[3 * m * m];
        System.arraycopy(good, 0, a, 0, m * m);
        System.arraycopy(f.diagonalOrMatrix(), 0, a, m * m, m * m);
        System.arraycopy(good, 0, a, 2 * m * m, m * m);
        double[] l = new double[a.length];
        int[] info = BatchedCholesky.factor(a, 3, m, l);
        assertArrayEquals(new int[] {0, f.expectedInfo(), 0}, info);
        double[] b = new double[3 * m];
        java.util.Arrays.fill(b, 1.0);
        double[] x = new double[b.length];
        BatchedCholesky.solve(l, info, b, 3, m, x);
        for (double v : l) assertTrue(Double.isFinite(v), "factor has a non-finite entry");
        for (int k = 0; k < x.length; k++) {
            assertTrue(Double.isFinite(x[k]), "solution has a non-finite entry");
            if (k >= m && k < 2 * m) assertEquals(0.0, x[k], "failed system's solution is zero");
        }
        float[] af = new float[a.length], lf = new float[a.length];
        for (int k = 0; k < a.length; k++) af[k] = (float) a[k];
        assertArrayEquals(new int[] {0, f.expectedInfo(), 0}, BatchedCholesky.factor(af, 3, m, lf));
        for (float v : lf) assertTrue(Float.isFinite(v), "float factor has a non-finite entry");
    }

    @Test
    void badShapesNameTheArgumentAndBothNumbers() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BatchedCholesky.factor(new double[17], 2, 3, new double[18]));
        assertTrue(e.getMessage().contains("a:") && e.getMessage().contains("18") && e.getMessage().contains("17"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchedCholesky.solve(new double[18], null, new double[5], 2, 3, new double[6]));
        assertTrue(e.getMessage().contains("b:") && e.getMessage().contains("6") && e.getMessage().contains("5"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchedCholesky.factor(new double[0], 0, 3, new double[0]));
        assertTrue(e.getMessage().contains("batch") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchedCholesky.factor(new float[0], 1, 0, new float[0]));
        assertTrue(e.getMessage().contains("m must be") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchedCholesky.factor(new double[8], 2, 2, new double[8], new int[3]));
        assertTrue(e.getMessage().contains("info") && e.getMessage().contains("3"), e.getMessage());
    }
}
