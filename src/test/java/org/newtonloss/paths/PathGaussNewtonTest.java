package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * Gauss-Newton for the path losses (issue 6: the output map plays P's role): C = Jᵀ(∇²φ)J with J = ∂map/∂θ exact for
 * the relaxed Bellman-Ford map (forward tangents, checked against central differences) and the Stein Jacobian for
 * the smoothed solver; PSD and symmetric; value and gradient are the loss's own; the Hessian minus C is the
 * φ'-weighted curvature of the map; deterministic by seed; the engine needs no safeguard with it.
 */
class PathGaussNewtonTest {

    record BfCase(String spec, int side, long seed) {
        @Override public String toString() { return spec + " " + side + "x" + side; }
    }

    static Stream<BfCase> bfCases() {
        return Stream.of(
                new BfCase("bellman-ford:loop=for,loss=l2,beta=3,iterations=6,tconorm=probabilistic", 4, 1),
                new BfCase("bellman-ford:loop=for,loss=l1,beta=2,iterations=7,tconorm=hamacher,p=3", 5, 2),
                new BfCase("bellman-ford:loop=while,loss=l2,beta=4,iterations=5,tconorm=probabilistic,stop=sample", 4, 3),
                new BfCase("bellman-ford:loop=for,loss=l2,beta=3,iterations=8,tconorm=hamacher,p=0.5,start=absorb", 5, 4),
                new BfCase("bellman-ford:loop=while,loss=l1,beta=2,iterations=6,tconorm=hamacher,p=5,start=absorb", 4, 5),
                new BfCase("bellman-ford:loop=for,loss=l2,beta=1,iterations=5,tconorm=yager", 4, 6));
    }

    static double[] costs(int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] c = new double[m];
        for (int i = 0; i < m; i++) c[i] = 0.5 + 2 * rnd.nextDouble();
        return c;
    }

    /** 2·JᵀJ for J with m rows of m, written plainly. */
    static double[] twoJtJ(double[] jac, int m) {
        double[] c = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int v = 0; v < m; v++) s += jac[v * m + i] * jac[v * m + j];
                c[i * m + j] = 2 * s;
            }
        return c;
    }

    static double maxAbs(double[] a) {
        double x = 0;
        for (double v : a) x = Math.max(x, Math.abs(v));
        return x;
    }

    /** Exactly symmetric, and λ_min ≥ −1e-10·‖C‖ (C/max|C| + 1e-10·I has a Cholesky factor; max|C| ≤ ‖C‖₂). */
    static void assertSymmetricPsd(double[] c, int m, String what) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (c[i * m + j] != c[j * m + i]) fail(what + ": C not symmetric at " + i + "," + j);
        double norm = maxAbs(c);
        assertTrue(norm > 0, what + ": C = 0 (a Gauss-Newton matrix that says nothing)");
        double[] shifted = new double[m * m], factor = new double[m * m];
        for (int i = 0; i < m * m; i++) shifted[i] = c[i] / norm;
        for (int i = 0; i < m; i++) shifted[i * m + i] += 1e-10;
        int[] info = BatchedCholesky.factor(shifted, 1, m, factor);
        assertEquals(0, info[0], what + ": C + 1e-10·‖C‖·I is not positive definite (leading minor " + info[0] + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bfCases")
    void bellmanFordJacobianMatchesCentralDifferences(BfCase c) {
        RelaxedBellmanFord loss = (RelaxedBellmanFord) Losses.parse(c.spec());
        GridShape grid = new GridShape(c.side(), c.side());
        int m = grid.cells();
        double[] theta = costs(m, c.seed());
        double[] jac = new double[m * m];
        double[] map = loss.pathMapJacobian(grid, theta, 0, jac);
        assertArrayEquals(loss.pathMap(grid, theta, 0), map, 0.0, "map");
        double[] fd = new double[m * m];
        for (int j = 0; j < m; j++) {
            double h = 1e-5 * Math.max(1, Math.abs(theta[j]));
            double[] plus = theta.clone(), minus = theta.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] mp = loss.pathMap(grid, plus, 0), mm = loss.pathMap(grid, minus, 0);
            for (int v = 0; v < m; v++) fd[v * m + j] = (mp[v] - mm[v]) / (plus[j] - minus[j]);
        }
        assertTrue(maxAbs(jac) > 1e-3, c + ": J is (nearly) zero, the test would say nothing");
        Tolerances.assertAllCloseScaled(fd, jac, 1e-6, c + " J");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bfCases")
    void bellmanFordGaussNewtonIsTwoJtJAndPsdWithTheLosssValueAndGradient(BfCase c) {
        RelaxedBellmanFord loss = (RelaxedBellmanFord) Losses.parse(c.spec());
        GridShape grid = new GridShape(c.side(), c.side());
        int m = grid.cells();
        double[] theta = costs(m, c.seed());
        double[] truth = GridShortestPath.solve(grid, theta);
        double[] g = new double[m], cm = new double[m * m], g0 = new double[m], gh = new double[m], h = new double[m * m];
        double value = loss.evaluateGaussNewton(0, m, theta, truth, g, cm);
        assertEquals(loss.evaluate(0, m, theta, truth, g0, null), value, 0.0, "value");
        assertArrayEquals(g0, g, 0.0, "gradient (no Hessian)");
        loss.evaluate(0, m, theta, truth, gh, h);
        assertArrayEquals(gh, g, 0.0, "gradient (with Hessian)");
        double[] jac = new double[m * m];
        loss.pathMapJacobian(grid, theta, 0, jac);
        Tolerances.assertAllCloseScaled(twoJtJ(jac, m), cm, 1e-12, c + " C = 2JᵀJ");
        assertSymmetricPsd(cm, m, c.toString());
    }

    /**
     * H − C = Σ_v φ'_v ∇²map_v, with ∇²map_v from central differences of the exact J: ties C to the independently
     * tested Hessian. For L1 (φ'' = 0) the Hessian has no JᵀJ part at all, and C is the documented L2 surrogate.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bfCases")
    void bellmanFordHessianMinusGaussNewtonIsTheMapCurvatureTerm(BfCase c) {
        RelaxedBellmanFord loss = (RelaxedBellmanFord) Losses.parse(c.spec());
        boolean l2 = loss.options().loss() == RelaxedBellmanFord.PathLoss.L2;
        GridShape grid = new GridShape(c.side(), c.side());
        int m = grid.cells();
        double[] theta = costs(m, c.seed() + 100);
        double[] truth = GridShortestPath.solve(grid, theta);
        double[] g = new double[m], cm = new double[m * m], h = new double[m * m];
        loss.evaluateGaussNewton(0, m, theta, truth, g, cm);
        loss.evaluate(0, m, theta, truth, g, h);
        double[] map = loss.pathMap(grid, theta, 0);
        double[] expected = new double[m * m];
        double[] jp = new double[m * m], jm = new double[m * m];
        for (int j = 0; j < m; j++) {
            double step = 1e-5 * Math.max(1, Math.abs(theta[j]));
            double[] plus = theta.clone(), minus = theta.clone();
            plus[j] += step;
            minus[j] -= step;
            loss.pathMapJacobian(grid, plus, 0, jp);
            loss.pathMapJacobian(grid, minus, 0, jm);
            for (int v = 0; v < m; v++) {
                double r = map[v] - truth[v];
                double slope = l2 ? 2 * r : Math.signum(r);
                for (int i = 0; i < m; i++)
                    expected[i * m + j] += slope * (jp[v * m + i] - jm[v * m + i]) / (plus[j] - minus[j]);
            }
        }
        double[] hMinusC = new double[m * m];
        for (int i = 0; i < m * m; i++) hMinusC[i] = h[i] - (l2 ? cm[i] : 0);
        double scale = Math.max(maxAbs(h), maxAbs(cm));
        for (int i = 0; i < m * m; i++)
            assertEquals(expected[i], hMinusC[i], 1e-6 * scale, c + ": H − C at " + i / m + "," + i % m);
    }

    @Test
    void bellmanFordOnTheBenchmarkSizeIsPsdAndTheEngineNeedsNoSafeguard() {
        GridShape grid = new GridShape(12, 12);
        int m = grid.cells(), batch = 3;
        double[] y = new double[batch * m], t = new double[batch * m];
        double[] terrain = {0.8, 1.2, 5.3, 7.7, 9.2};
        SplittableRandom rnd = new SplittableRandom(12);
        for (int s = 0; s < batch; s++) {
            double[] clean = new double[m];
            for (int k = 0; k < m; k++) clean[k] = terrain[rnd.nextInt(5)];
            System.arraycopy(GridShortestPath.solve(grid, clean), 0, t, s * m, m);
            for (int k = 0; k < m; k++) y[s * m + k] = Math.max(0.05, clean[k] + rnd.nextGaussian());
        }
        AlgorithmicLoss loss = Losses.parse("bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic");
        Evaluation ev = Batches.evaluateGaussNewton(loss, y, t, batch, m);
        for (int s = 0; s < batch; s++)
            assertSymmetricPsd(Arrays.copyOfRange(ev.hess(), s * m * m, (s + 1) * m * m), m, "12x12 sample " + s);
        assertEngineSolvesWithoutSafeguard(loss, y, t, batch, m);
    }

    @Test
    void bellmanFordBatchWideWhileStopIsTheSameForGaussNewtonAndEvaluate() {
        // three samples whose own While loops stop after different step counts: the batch runs the longest
        AlgorithmicLoss loss = Losses.parse("bellman-ford:loop=while,loss=l2,beta=3,iterations=6,tconorm=probabilistic");
        GridShape grid = new GridShape(4, 4);
        int m = grid.cells(), batch = 3;
        double[] y = new double[batch * m], t = new double[batch * m];
        for (int s = 0; s < batch; s++) {
            double[] c = costs(m, 40 + s);
            for (int k = 0; k < m; k++) c[k] *= 1 + 2 * s;
            System.arraycopy(c, 0, y, s * m, m);
            System.arraycopy(GridShortestPath.solve(grid, c), 0, t, s * m, m);
        }
        Evaluation plain = Batches.evaluate(loss, y, t, batch, m, false);
        Evaluation gn = Batches.evaluateGaussNewton(loss, y, t, batch, m);
        assertArrayEquals(plain.loss(), gn.loss(), 0.0, "values");
        assertArrayEquals(plain.grad(), gn.grad(), 0.0, "gradients");
    }

    record SmoothCase(String spec, int side, long seed) {
        @Override public String toString() { return spec + " " + side + "x" + side; }
    }

    static Stream<SmoothCase> smoothCases() {
        return Stream.of(new SmoothCase("smooth-algorithm:samples=10,sigma=0.5,seed=1", 5, 1),
                new SmoothCase("smooth-algorithm:samples=7,sigma=1.5,seed=4,loss=l1", 5, 2),
                new SmoothCase("smooth-algorithm:samples=6,sigma=0.8,seed=2,antithetic=true,baseline=false", 4, 3),
                new SmoothCase("smooth-loss:samples=10,sigma=0.5,seed=1", 5, 4),
                new SmoothCase("smooth-loss:samples=8,sigma=1,seed=9,antithetic=true", 6, 5),
                new SmoothCase("smooth-algorithm:samples=30,sigma=0.5,seed=3", 12, 6),
                new SmoothCase("smooth-loss:samples=30,sigma=0.5,seed=3,baseline=false", 12, 7));
    }

    /** The draws of batch sample i, recomputed here: ε, the perturbed maps and the unperturbed map. */
    record Draws(double[] eps, double[] maps, double[] map0) {}

    static Draws redraw(PerturbedPathLoss loss, GridShape grid, double[] theta, int sample) {
        Smoothing sm = loss.smoothing();
        int m = grid.cells(), samples = sm.samples();
        double[] eps = new double[samples * m], maps = new double[samples * m];
        sm.noise(sample, m, eps);
        double[] clamped = new double[m];
        for (int k = 0; k < m; k++) clamped[k] = Math.max(theta[k], 0);
        double[] map0 = GridShortestPath.solve(grid, clamped);
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < m; k++) clamped[k] = Math.max(theta[k] + sm.sigma() * eps[s * m + k], 0);
            System.arraycopy(GridShortestPath.solve(grid, clamped), 0, maps, s * m, m);
        }
        return new Draws(eps, maps, map0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothCases")
    void smoothedGaussNewtonIsTwoJtJOfTheSteinJacobianAndPsd(SmoothCase c) {
        PerturbedPathLoss loss = (PerturbedPathLoss) Losses.parse(c.spec());
        GaussNewtonLoss gn = assertInstanceOf(GaussNewtonLoss.class, loss);
        GridShape grid = new GridShape(c.side(), c.side());
        int m = grid.cells(), sample = 3;
        double[] theta = new double[4 * m], truth = new double[4 * m];
        System.arraycopy(costs(m, c.seed()), 0, theta, sample * m, m);
        System.arraycopy(GridShortestPath.solve(grid, Arrays.copyOfRange(theta, sample * m, (sample + 1) * m)), 0,
                truth, sample * m, m);
        double[] g = new double[4 * m], cm = new double[4 * m * m], g0 = new double[4 * m];
        double value = gn.evaluateGaussNewton(sample, m, theta, truth, g, cm);
        assertEquals(loss.evaluate(sample, m, theta, truth, g0, null), value, 0.0, "value");
        assertArrayEquals(g0, g, 0.0, "gradient");
        double[] mine = Arrays.copyOfRange(cm, sample * m * m, (sample + 1) * m * m);
        // independent: explicit Stein Jacobian of the smoothed map, then 2JᵀJ
        Draws d = redraw(loss, grid, Arrays.copyOfRange(theta, sample * m, (sample + 1) * m), sample);
        double[] jac = new double[m * m];
        Smoothing sm = loss.smoothing();
        Stein.jacobian(d.eps(), sm.samples(), m, d.maps(), sm.baseline() ? d.map0() : null, m, sm.sigma(), jac);
        assertTrue(maxAbs(jac) > 0, c + ": no perturbed path differs from the baseline, the test would say nothing");
        Tolerances.assertAllCloseScaled(twoJtJ(jac, m), mine, 1e-12, c + " C = 2JᵀJ");
        assertSymmetricPsd(mine, m, c.toString());
        // deterministic by seed: again gives the same bits; another batch position (other draws) does not
        double[] again = new double[4 * m * m];
        gn.evaluateGaussNewton(sample, m, theta, truth, new double[4 * m], again);
        assertArrayEquals(cm, again, 0.0, "same seed, same sample");
        double[] shifted = new double[4 * m], shiftedTruth = new double[4 * m], other = new double[4 * m * m];
        System.arraycopy(theta, sample * m, shifted, m, m);
        System.arraycopy(truth, sample * m, shiftedTruth, m, m);
        gn.evaluateGaussNewton(1, m, shifted, shiftedTruth, new double[4 * m], other);
        assertNotEquals(Arrays.toString(mine), Arrays.toString(Arrays.copyOfRange(other, m * m, 2 * m * m)),
                "sample 1 draws its own noise");
    }

    /** smooth-algorithm, L2: H − C is the Stein Hessian of c_s = φ'·δ_s (the Σ φ'_i ∇²p_i term), recomputed here. */
    @Test
    void smoothedAlgorithmHessianMinusGaussNewtonIsTheMapCurvatureTerm() {
        SmoothedAlgorithmLoss loss = (SmoothedAlgorithmLoss) Losses.parse("smooth-algorithm:samples=9,sigma=1.2,seed=5");
        GridShape grid = new GridShape(5, 5);
        int m = grid.cells(), samples = 9;
        double[] theta = costs(m, 77), truth = GridShortestPath.solve(grid, theta);
        double[] g = new double[m], h = new double[m * m], cm = new double[m * m];
        loss.evaluate(0, m, theta, truth, g, h);
        loss.evaluateGaussNewton(0, m, theta, truth, g, cm);
        Draws d = redraw(loss, grid, theta, 0);
        double[] p = new double[m], c = new double[samples];
        for (int s = 0; s < samples; s++) for (int k = 0; k < m; k++) p[k] += d.maps()[s * m + k] / samples;
        for (int s = 0; s < samples; s++)
            for (int k = 0; k < m; k++) c[s] += 2 * (p[k] - truth[k]) * (d.maps()[s * m + k] - d.map0()[k]);
        double[] expected = new double[m * m];
        Stein.hessian(d.eps(), samples, m, c, 0, 1.2, expected, 0);
        double[] hMinusC = new double[m * m];
        for (int i = 0; i < m * m; i++) hMinusC[i] = h[i] - cm[i];
        assertTrue(maxAbs(expected) > 0, "the curvature term is zero, the test would say nothing");
        for (int i = 0; i < m * m; i++)
            assertEquals(expected[i], hMinusC[i], 1e-12 * Math.max(maxAbs(h), maxAbs(cm)), "H − C at " + i);
    }

    /** Hamming is linear in a 0/1 map: smooth-loss is smooth-algorithm with L1, and both give the same C. */
    @Test
    void smoothLossIsTheL1LossOfTheSmoothedMap() {
        for (String options : new String[] {"samples=10,sigma=0.7,seed=2", "samples=6,sigma=1,seed=3,antithetic=true",
                "samples=5,sigma=0.4,seed=8,baseline=false"}) {
            GaussNewtonLoss hamming = (GaussNewtonLoss) Losses.parse("smooth-loss:" + options);
            GaussNewtonLoss l1 = (GaussNewtonLoss) Losses.parse("smooth-algorithm:" + options + ",loss=l1");
            GridShape grid = new GridShape(6, 6);
            int m = grid.cells();
            double[] theta = costs(m, options.hashCode()), truth = GridShortestPath.solve(grid, costs(m, 5));
            double[] ca = new double[m * m], cb = new double[m * m];
            double va = hamming.evaluateGaussNewton(0, m, theta, truth, new double[m], ca);
            double vb = l1.evaluateGaussNewton(0, m, theta, truth, new double[m], cb);
            assertEquals(va, vb, 1e-12 * Math.max(1, va), options + ": value");
            assertArrayEquals(cb, ca, 0.0, options + ": Gauss-Newton");
        }
    }

    @Test
    void fenchelYoungHasNoGaussNewtonForm() {
        AlgorithmicLoss loss = Losses.parse("fenchel-young:samples=4,sigma=0.5");
        assertTrue(!(loss instanceof GaussNewtonLoss), "fenchel-young must not claim a Gauss-Newton form");
        GridShape grid = new GridShape(3, 3);
        double[] theta = costs(9, 1), truth = GridShortestPath.solve(grid, theta);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batches.evaluateGaussNewton(loss, theta, truth, 1, 9));
        assertTrue(e.getMessage().contains("gauss-newton") && e.getMessage().contains("fenchel-young"), e.getMessage());
    }

    @Test
    void smoothedLossesOnTheBenchmarkSizeNeedNoSafeguard() {
        GridShape grid = new GridShape(12, 12);
        int m = grid.cells(), batch = 6;
        double[] y = new double[batch * m], t = new double[batch * m];
        for (int s = 0; s < batch; s++) {
            double[] c = costs(m, 900 + s);
            System.arraycopy(c, 0, y, s * m, m);
            System.arraycopy(GridShortestPath.solve(grid, costs(m, 950 + s)), 0, t, s * m, m);
        }
        for (String spec : new String[] {"smooth-loss:samples=30,sigma=0.5,seed=1",
                "smooth-algorithm:samples=10,sigma=0.5,seed=1,loss=l2"})
            assertEngineSolvesWithoutSafeguard(Losses.parse(spec), y, t, batch, m);
    }

    /**
     * Through the CPU backend with {@code Curvature.GAUSS_NEWTON}: the matrices are the loss's Gauss-Newton ones, and
     * with λ above the rounding (1e-10·max|C|) every system factors at λ itself: no escalation, status OK.
     */
    static void assertEngineSolvesWithoutSafeguard(AlgorithmicLoss loss, double[] y, double[] t, int batch, int m) {
        Evaluation ev = Batches.evaluateGaussNewton(loss, y, t, batch, m);
        double cMax = maxAbs(ev.hess());
        double lambda = Math.max(1e-8 * cMax, 1e-12);
        NewtonOutcome out = CpuBackend.instance().newton(loss, new NewtonOptions(Curvature.GAUSS_NEWTON,
                Safeguard.ESCALATE, lambda), y, t, batch, m);
        assertArrayEquals(ev.hess(), out.evaluation().hess(), 0.0, loss.spec() + ": curvature");
        for (int s = 0; s < batch; s++) {
            assertEquals(NewtonResult.STATUS_OK, out.result().status()[s], loss.spec() + " sample " + s);
            assertEquals(lambda, out.result().lambda()[s], 0.0, loss.spec() + " sample " + s);
        }
    }
}
