package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.spec.Losses;
import org.newtonloss.spec.SpecException;
import org.newtonloss.testing.Tolerances;

class PerturbedPathLossTest {
    static final GridShape GRID = new GridShape(12, 12);
    static final int M = 144;

    static Stream<String> specs() {
        return Stream.of("smooth-loss:samples=10,sigma=0.5,seed=1", "smooth-loss:samples=6,sigma=0.5,seed=2,antithetic=true",
                "smooth-algorithm:samples=10,sigma=0.5,seed=1", "smooth-algorithm:samples=4,sigma=0.5,seed=3,loss=l1",
                "fenchel-young:samples=10,sigma=0.5,seed=1", "fenchel-young:samples=4,sigma=0.5,seed=1,antithetic=true,baseline=false");
    }

    /** Warcraft-like costs (float-representable) and their true paths, for a batch. */
    static double[][] batch(int size, long seed) {
        double[] terrain = {0.8, 1.2, 5.3, 7.7, 9.2};
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] truth = new double[size * M], theta = new double[size * M], paths = new double[size * M];
        for (int i = 0; i < truth.length; i++) truth[i] = terrain[rnd.nextInt(5)];
        GridShortestPath.solveBatch(GRID, truth, paths);
        // predictions: the true costs plus noise, rounded to float
        for (int i = 0; i < theta.length; i++) theta[i] = (float) Math.max(0.05, truth[i] + 2 * (rnd.nextDouble() - 0.5));
        return new double[][] {theta, paths, truth};
    }

    @ParameterizedTest
    @MethodSource("specs")
    void sameSeedSameOutputAndFloatAgreesWithDouble(String spec) {
        AlgorithmicLoss loss = Losses.parse(spec);
        assertEquals(loss, Losses.parse(loss.spec()), "spec() round trip");
        double[][] data = batch(4, 7);
        Evaluation a = Batches.evaluate(loss, data[0], data[1], 4, M, true);
        Evaluation b = Batches.evaluate(Losses.parse(spec), data[0], data[1], 4, M, true);
        assertArrayEquals(a.loss(), b.loss());
        assertArrayEquals(a.grad(), b.grad());
        assertArrayEquals(a.hess(), b.hess());
        // a sample's draws depend on (seed, sample index) only: evaluating sample 2 alone at index 2 gives the same
        double[] g = new double[4 * M];
        assertEquals(a.loss()[2], loss.evaluate(2, M, data[0], data[1], g, null));
        assertArrayEquals(Arrays.copyOfRange(a.grad(), 2 * M, 3 * M), Arrays.copyOfRange(g, 2 * M, 3 * M));
        // another seed gives other draws
        AlgorithmicLoss other = Losses.parse(spec.replace("seed=", "seed=9"));
        assertFalse(Arrays.equals(a.hess(), Batches.evaluate(other, data[0], data[1], 4, M, true).hess()));
        float[] yf = new float[data[0].length], tf = new float[data[1].length];
        for (int i = 0; i < yf.length; i++) { yf[i] = (float) data[0][i]; tf[i] = (float) data[1][i]; }
        EvaluationF32 f = Batches.evaluate(loss, yf, tf, 4, M, true);
        for (int i = 0; i < 4; i++) Tolerances.assertClose(a.loss()[i], f.loss()[i], Tolerances.F32, spec + " loss " + i);
        for (int i = 0; i < a.grad().length; i++) Tolerances.assertClose(a.grad()[i], f.grad()[i], Tolerances.F32, spec + " grad " + i);
        for (int i = 0; i < a.hess().length; i += 97) Tolerances.assertClose(a.hess()[i], f.hess()[i], Tolerances.F32, spec + " hess " + i);
        // the Hessian estimates are symmetric
        for (int s = 0; s < 4; s++)
            for (int i = 0; i < M; i++)
                for (int j = 0; j < i; j++)
                    assertEquals(a.hess()[s * M * M + i * M + j], a.hess()[s * M * M + j * M + i], 1e-12, spec);
    }

    @Test
    void tinyNoiseGivesTheHardLoss() {
        double[][] data = batch(3, 11);
        for (int b = 0; b < 3; b++) {
            // continuous costs: a unique optimal path with a margin far above the noise
            double[] theta = Arrays.copyOfRange(data[0], b * M, b * M + M);
            double[] path = GridShortestPath.solve(GRID, theta);
            double[] g = new double[M];
            double smooth = Losses.parse("smooth-loss:samples=8,sigma=1e-9,seed=1").evaluate(0, M, theta, path, g, null);
            assertEquals(0.0, smooth, 0.0);
            double fy = Losses.parse("fenchel-young:samples=8,sigma=1e-9,seed=1").evaluate(0, M, theta, path, g, null);
            assertEquals(0.0, fy, 1e-6);
            for (double v : g) assertEquals(0.0, v, 0.0);
        }
    }

    @Test
    void smoothedAlgorithmHessianIsTheChainRuleOfTheSteinJacobian() {
        SmoothedAlgorithmLoss loss = (SmoothedAlgorithmLoss) Losses.parse("smooth-algorithm:samples=5,sigma=1.5,seed=4");
        int side = 5, m = 25;
        SplittableRandom rnd = new SplittableRandom(3);
        double[] theta = new double[m];
        for (int i = 0; i < m; i++) theta[i] = 0.5 + 3 * rnd.nextDouble();
        double[] path = GridShortestPath.solve(new GridShape(side, side), theta);
        double[] g = new double[m], h = new double[m * m];
        loss.evaluate(0, m, theta, path, g, h);
        // independent, dense recomputation: J from Stein.jacobian, ∇²p_i via Stein.hessian per cell
        Smoothing sm = loss.smoothing();
        double[] eps = new double[5 * m], maps = new double[5 * m], map0 = GridShortestPath.solve(new GridShape(side, side), theta);
        sm.noise(0, m, eps);
        double[] p = new double[m];
        for (int s = 0; s < 5; s++) {
            double[] c = new double[m];
            for (int k = 0; k < m; k++) c[k] = Math.max(theta[k] + 1.5 * eps[s * m + k], 0);
            System.arraycopy(GridShortestPath.solve(new GridShape(side, side), c), 0, maps, s * m, m);
            for (int k = 0; k < m; k++) p[k] += maps[s * m + k] / 5;
        }
        double[] jac = new double[m * m];
        Stein.jacobian(eps, 5, m, maps, map0, m, 1.5, jac);
        double[] expectedG = new double[m], expectedH = new double[m * m], hp = new double[m * m], vals = new double[5];
        for (int i = 0; i < m; i++) {
            double slope = 2 * (p[i] - path[i]);
            for (int j = 0; j < m; j++) expectedG[j] += slope * jac[i * m + j];
            for (int s = 0; s < 5; s++) vals[s] = maps[s * m + i];
            Stein.hessian(eps, 5, m, vals, map0[i], 1.5, hp, 0);
            for (int q = 0; q < m * m; q++) expectedH[q] += slope * hp[q];
            for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) expectedH[a * m + b] += 2 * jac[i * m + a] * jac[i * m + b];
        }
        Tolerances.assertAllCloseScaled(expectedG, g, 1e-12, "gradient");
        Tolerances.assertAllCloseScaled(expectedH, h, 1e-12, "Hessian");
    }

    @Test
    void badInputIsRejected() {
        AlgorithmicLoss loss = Losses.parse("fenchel-young");
        assertEquals("fenchel-young:samples=10,sigma=0.1,seed=1", loss.spec());
        double[][] data = batch(1, 5);
        double[] y = data[0].clone();
        y[7] = Double.POSITIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.evaluate(0, M, y, data[1], new double[M], null));
        assertTrue(e.getMessage().contains("cell 7") && e.getMessage().contains("Infinity"), e.getMessage());
        double[] broken = data[1].clone();
        broken[M - 1] = 0;
        assertThrows(InvalidPathException.class, () -> loss.evaluate(0, M, data[0], broken, new double[M], null));
        SpecException zero = assertThrows(SpecException.class, () -> Losses.parse("smooth-loss:samples=0"));
        assertTrue(zero.getMessage().contains("samples"), zero.getMessage());
        assertThrows(SpecException.class, () -> Losses.parse("smooth-loss:samples=3,antithetic=true"));
        assertThrows(SpecException.class, () -> Losses.parse("smooth-loss:sigma=-1"));
        assertThrows(SpecException.class, () -> Losses.parse("fenchel-young:loss=l1"));
        assertThrows(IllegalArgumentException.class, () -> loss.checkDimension(50));
    }
}
