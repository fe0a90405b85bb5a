package org.newtonloss.newton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.newtonloss.testing.Tolerances.F32;
import static org.newtonloss.testing.Tolerances.F64;
import static org.newtonloss.testing.Tolerances.assertAllClose;
import static org.newtonloss.testing.Tolerances.assertClose;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.linalg.DenseReference;
import org.newtonloss.linalg.RandomMatrices;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.MseLoss;
import org.newtonloss.loss.SoftmaxCrossEntropyLoss;

class NewtonEngineTest {
    private final NewtonEngine engine = new NewtonEngine();

    /** A symmetric matrix with known eigenpairs: Q diag(μ) Qᵀ, and f(A) g = Q diag(f(μ)) Qᵀ g. */
    record Known(double[] q, double[] mu) {
        static Known random(Random rnd, double... mu) { return new Known(RandomMatrices.orthogonal(rnd, mu.length), mu); }

        int m() { return mu.length; }

        double[] matrix() { return apply(x -> x); }

        /** The matrix Q diag(f(μ)) Qᵀ. */
        double[] apply(DoubleUnaryOperator f) {
            int m = m();
            double[] a = new double[m * m];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int k = 0; k < m; k++) s += q[i * m + k] * f.applyAsDouble(mu[k]) * q[j * m + k];
                    a[i * m + j] = s;
                }
            return a;
        }

        /** Q diag(1/h(μ)) Qᵀ g. */
        double[] solve(DoubleUnaryOperator h, double[] g, int off) {
            return DenseReference.multiply(apply(x -> 1 / h.applyAsDouble(x)), 0, m(), g, off);
        }
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] a = new double[n];
        for (int k = 0; k < n; k++) a[k] = rnd.nextGaussian();
        return a;
    }

    private static double[] concat(double[]... blocks) {
        int n = Arrays.stream(blocks).mapToInt(b -> b.length).sum();
        double[] out = new double[n];
        int o = 0;
        for (double[] b : blocks) {
            System.arraycopy(b, 0, out, o, b.length);
            o += b.length;
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------- closed forms

    record MseCase(Curvature curvature, Safeguard safeguard, double lambda) {}

    static Stream<MseCase> mseCases() {
        return Stream.of(Curvature.HESSIAN, Curvature.HESSIAN_MEAN, Curvature.GAUSS_NEWTON)
                .flatMap(c -> Stream.of(Safeguard.values()).flatMap(s -> Stream.of(1e-3, 0.1, 1.0, 1e3)
                        .map(l -> new MseCase(c, s, l))));
    }

    @ParameterizedTest
    @MethodSource("mseCases")
    void mseHasTheClosedFormStep(MseCase c) {
        int batch = 7, m = 6;
        Random rnd = new Random(42);
        double[] y = gaussian(rnd, batch * m);
        double[] t = gaussian(rnd, batch * m);
        Evaluation ev = Batches.evaluate(new MseLoss(), y, t, batch, m, true);
        NewtonResult r = engine.step(new NewtonOptions(c.curvature(), c.safeguard(), c.lambda()), y, ev.grad(),
                ev.hess(), batch, m);
        double[] expected = new double[y.length];
        for (int k = 0; k < y.length; k++) expected[k] = y[k] - (y[k] - t[k]) / (1 + c.lambda());
        assertAllClose(expected, r.z(), F64, "z*");
        for (int i = 0; i < batch; i++) {
            assertEquals(NewtonResult.STATUS_OK, r.status()[i]);
            assertEquals(c.lambda(), r.lambda()[i]);
        }
        assertEquals(c.curvature().shared() ? 1 : batch, r.stats().systems());
        assertEquals(0, r.stats().escalated());
        assertEquals(0, r.stats().eigenvaluesModified());
        assertClose(1 / (1 + c.lambda()), r.stats().maxStepRatio(), F64, "max step ratio");
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void softmaxCrossEntropyStepEqualsDirectSolve(Safeguard safeguard) {
        int batch = 5, m = 8;
        double lambda = 0.05;
        Random rnd = new Random(7);
        double[] y = gaussian(rnd, batch * m);
        double[] t = new double[batch * m];
        for (int i = 0; i < batch; i++) t[i * m + rnd.nextInt(m)] = 1;
        Evaluation ev = Batches.evaluate(new SoftmaxCrossEntropyLoss(), y, t, batch, m, true);
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, safeguard, lambda), y, ev.grad(),
                ev.hess(), batch, m);
        for (int i = 0; i < batch; i++) {
            // H = diag(p) − ppᵀ, built here from p independently of the loss's Hessian
            double[] p = new double[m];
            for (int k = 0; k < m; k++) p[k] = ev.grad()[i * m + k] + t[i * m + k];
            double[] h = new double[m * m];
            for (int a = 0; a < m; a++)
                for (int b = 0; b < m; b++) h[a * m + b] = (a == b ? p[a] : 0) - p[a] * p[b] + (a == b ? lambda : 0);
            double[] expected = DenseReference.solve(h, 0, m, ev.grad(), i * m);
            assertAllClose(expected, Arrays.copyOfRange(r.step(), i * m, i * m + m), F64, "step " + i);
            assertEquals(NewtonResult.STATUS_OK, r.status()[i], "H is PSD: no safeguard acts");
        }
        // H is PSD (singular, H·1 = 0): spectral and clip take the Cholesky shortcut, nothing is eigen-decomposed
        assertFalse(r.stats().hasMinEigenvalue(), "PSD systems are not eigen-decomposed");
        assertEquals(0, r.stats().eigenvaluesModified());
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void hessianMeanSolvesWithTheMeanMatrix(Safeguard safeguard) {
        int batch = 6, m = 5;
        double lambda = 0.3;
        Random rnd = new Random(11);
        double[] c = new double[0];
        for (int i = 0; i < batch; i++) c = concat(c, RandomMatrices.spd(rnd, m));
        double[] g = gaussian(rnd, batch * m);
        double[] y = gaussian(rnd, batch * m);
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN_MEAN, safeguard, lambda), y, g, c, batch, m);
        double[] mean = new double[m * m];
        for (int i = 0; i < batch; i++) for (int k = 0; k < m * m; k++) mean[k] += c[i * m * m + k] / batch;
        double[] system = DenseReference.plusIdentity(mean, 0, m, lambda);
        for (int i = 0; i < batch; i++)
            assertAllClose(DenseReference.solve(system, 0, m, g, i * m), Arrays.copyOfRange(r.step(), i * m, i * m + m),
                    F64, "step " + i);
        assertEquals(1, r.stats().systems());
    }

    // ------------------------------------------------------------------------------------------------ Fisher

    record FisherCase(String name, int batch, int m) {
        @Override public String toString() { return name + " N=" + batch + " m=" + m; }
    }

    static Stream<FisherCase> fisherCases() {
        return Stream.of(new FisherCase("m > N", 4, 12), new FisherCase("m < N", 20, 6),
                new FisherCase("m = N", 5, 5), new FisherCase("N = 1", 1, 7), new FisherCase("m = 144", 10, 144));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fisherCases")
    void fisherDirectAndWoodburyAgreeWithAnIndependentSolve(FisherCase c) {
        int batch = c.batch(), m = c.m();
        double lambda = 0.2;
        Random rnd = new Random(batch * 1000L + m);
        double[] g = gaussian(rnd, batch * m);
        double[] f = new double[m * m];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++) f[i * m + j] += g[s * m + i] * g[s * m + j] / batch;
        double[] system = DenseReference.plusIdentity(f, 0, m, lambda);
        double[] expected = new double[batch * m];
        for (int s = 0; s < batch; s++) System.arraycopy(DenseReference.solve(system, 0, m, g, s * m), 0, expected, s * m, m);
        NewtonOptions options = new NewtonOptions(Curvature.FISHER, Safeguard.ESCALATE, lambda);
        for (NewtonEngine.FisherMethod method : NewtonEngine.FisherMethod.values())
            assertAllClose(expected, engine.fisherSteps(options, g, batch, m, method), F64, method.toString());
        NewtonResult r = engine.step(options, new double[batch * m], g, null, batch, m);
        assertAllClose(expected, r.step(), F64, "step");
        for (int s = 0; s < batch; s++) {
            assertEquals(0, r.status()[s]);
            assertEquals(lambda, r.lambda()[s]);
        }
        // every safeguard leaves the PSD Fisher system as it is
        for (Safeguard sg : Safeguard.values())
            assertAllClose(expected, engine.fisherSteps(new NewtonOptions(Curvature.FISHER, sg, lambda), g, batch, m,
                    NewtonEngine.FisherMethod.DIRECT), F64, sg.toString());
    }

    @Test
    void fisherTransformPreconditionsTheIncomingGradientForBothReductions() {
        int batch = 6, m = 9;
        double lambda = 0.5;
        Random rnd = new Random(3);
        double[] g = gaussian(rnd, batch * m); // per-sample gradients g_i
        double[] steps = engine.fisherSteps(new NewtonOptions(Curvature.FISHER, Safeguard.ESCALATE, lambda), g, batch,
                m, NewtonEngine.FisherMethod.DIRECT);
        // MEAN: incoming G = g/N, output must be (1/N)(F + λI)⁻¹ g_i = G (N GᵀG + λI)⁻¹
        double[] incoming = g.clone();
        for (int k = 0; k < incoming.length; k++) incoming[k] /= batch;
        double[] out = new FisherTransform(lambda, FisherTransform.Reduction.MEAN).backward(incoming, batch, m);
        double[] nGtG = new double[m * m];
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++) nGtG[i * m + j] += batch * incoming[s * m + i] * incoming[s * m + j];
        double[] paper = DenseReference.plusIdentity(nGtG, 0, m, lambda);
        for (int s = 0; s < batch; s++) {
            assertAllClose(DenseReference.solve(paper, 0, m, incoming, s * m), Arrays.copyOfRange(out, s * m, s * m + m),
                    F64, "paper's formula, row " + s);
            for (int k = 0; k < m; k++) assertClose(steps[s * m + k] / batch, out[s * m + k], F64, "mean-loss gradient");
        }
        double[] sum = new FisherTransform(lambda, FisherTransform.Reduction.SUM).backward(g, batch, m);
        assertAllClose(steps, sum, F64, "SUM reduction");
        float[] incomingF = new float[incoming.length];
        for (int k = 0; k < incoming.length; k++) incomingF[k] = (float) incoming[k];
        float[] outF = new FisherTransform(lambda, FisherTransform.Reduction.MEAN).backward(incomingF, batch, m);
        for (int k = 0; k < out.length; k++) assertClose(out[k], outF[k], F32, "float " + k);
    }

    // ------------------------------------------------------------------------------------ indefinite systems

    @Test
    void escalateRetriesWithTenfoldDampingAndCountsIt() {
        double lambda = 0.1;
        Random rnd = new Random(5);
        Known pd = Known.random(rnd, 0.5, 1, 2);         // C + λI PD: k = 0
        Known mild = Known.random(rnd, -0.5, 1, 2);      // needs λ·10 = 1 > 0.5: k = 1
        Known strong = Known.random(rnd, -50, 1, 2);     // needs λ·10³ = 100 > 50: k = 3
        Known edge = Known.random(rnd, -0.09, 1, 2);     // −0.09 + 0.1 > 0 passes Cholesky: k = 0
        Known[] systems = {pd, mild, strong, edge};
        int[] expectedK = {0, 1, 3, 0};
        int m = 3, batch = systems.length;
        double[] c = concat(Arrays.stream(systems).map(Known::matrix).toArray(double[][]::new));
        double[] g = gaussian(rnd, batch * m);
        double[] y = gaussian(rnd, batch * m);
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, lambda), y, g, c, batch, m);
        for (int i = 0; i < batch; i++) {
            double damping = lambda * Math.pow(10, expectedK[i]);
            assertEquals(expectedK[i], r.status()[i], "status " + i);
            assertClose(damping, r.lambda()[i], F64, "lambda " + i);
            assertAllClose(systems[i].solve(mu -> mu + damping, g, i * m), Arrays.copyOfRange(r.step(), i * m, i * m + m),
                    F64, "step " + i);
            for (int k = 0; k < m; k++) assertClose(y[i * m + k] - r.step()[i * m + k], r.z()[i * m + k], F64, "z");
        }
        NewtonStats s = r.stats();
        assertEquals(4, s.systems());
        assertEquals(2, s.escalated());
        assertEquals(3, s.maxEscalation());
        assertEquals(0, s.fallbacks());
        // the edge system shows why escalation is not a safeguard: its step is amplified by 1/(−0.09 + 0.1) = 100
        assertTrue(s.maxStepRatio() > 20, "max step ratio " + s.maxStepRatio());
    }

    @Test
    void escalateFallsBackToSpectralWhenExhausted() {
        double lambda = 0.1; // λ·10^20 = 1e19 < 1e30: every Cholesky fails
        // diagonal, so that the eigendecomposition is exact despite the 1e30 spread of the spectrum
        double[] c = {-1e30, 0, 0, 0, 1, 0, 0, 0, 2};
        double[] g = {1, 2, 3};
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, lambda), new double[3], g,
                c, 1, 3);
        assertEquals(NewtonResult.STATUS_FALLBACK, r.status()[0]);
        assertEquals(lambda, r.lambda()[0]);
        assertEquals(1, r.stats().fallbacks());
        assertEquals(1, r.stats().escalated());
        assertEquals(Safeguard.MAX_ESCALATIONS, r.stats().maxEscalation());
        assertAllClose(new double[] {1 / Math.abs(-1e30 + lambda), 2 / (1 + lambda), 3 / (2 + lambda)}, r.step(), F64,
                "fallback step (spectral)");
        for (double v : r.step()) assertTrue(Double.isFinite(v));
    }

    @Test
    void spectralEqualsThePlainSolveOnPsdMatricesWithEigenvaluesAboveLambda() {
        double lambda = 0.1;
        Random rnd = new Random(21);
        int m = 6, batch = 3;
        double[] c = concat(Known.random(rnd, 0.2, 0.5, 1, 3, 7, 20).matrix(), Known.random(rnd, 0.11, 0.15, 1, 1, 1, 2).matrix(),
                RandomMatrices.spd(rnd, m));
        double[] g = gaussian(rnd, batch * m);
        double[] y = new double[batch * m];
        NewtonResult plain = engine.step(new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, lambda), y, g, c, batch, m);
        for (Safeguard sg : new Safeguard[] {Safeguard.SPECTRAL, Safeguard.CLIP}) {
            NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, sg, lambda), y, g, c, batch, m);
            assertAllClose(plain.step(), r.step(), F64, sg + " step");
            assertArrayEquals(new int[batch], r.status(), sg + " status");
            assertEquals(0, r.stats().eigenvaluesModified(), sg + " eigenvalues modified");
            assertFalse(r.stats().hasMinEigenvalue(), sg + ": PSD systems take the Cholesky shortcut");
        }
        assertArrayEquals(new int[batch], plain.status());
    }

    @Test
    void spectralAndClipFollowTheirEigenvalueMaps() {
        double lambda = 0.1;
        Random rnd = new Random(33);
        Known a = Known.random(rnd, -3, -0.15, -0.05, 0, 0.02, 4);
        Known b = Known.random(rnd, -0.099, 0.5, 1, 2, 3, 5);
        int m = 6, batch = 2;
        double[] c = concat(a.matrix(), b.matrix());
        double[] g = gaussian(rnd, batch * m);
        double[] y = new double[batch * m];
        NewtonResult spectral = engine.step(new NewtonOptions(Curvature.HESSIAN, Safeguard.SPECTRAL, lambda), y, g, c,
                batch, m);
        NewtonResult clip = engine.step(new NewtonOptions(Curvature.HESSIAN, Safeguard.CLIP, lambda), y, g, c, batch, m);
        Known[] systems = {a, b};
        for (int i = 0; i < batch; i++) {
            Known k = systems[i];
            assertAllClose(k.solve(mu -> Math.max(Math.abs(mu + lambda), lambda), g, i * m),
                    Arrays.copyOfRange(spectral.step(), i * m, i * m + m), F64, "spectral " + i);
            double[] clipSystem = k.apply(mu -> Math.max(mu, 0) + lambda);
            double[] clipStep = Arrays.copyOfRange(clip.step(), i * m, i * m + m);
            assertAllClose(DenseReference.solve(clipSystem, 0, m, g, i * m), clipStep, F64, "clip " + i);
            // the clipped system is PD: its step is a descent direction and no longer than ‖g‖/λ
            double dot = 0, gn = 0, sn = 0;
            for (int j = 0; j < m; j++) {
                dot += g[i * m + j] * clipStep[j];
                gn += g[i * m + j] * g[i * m + j];
                sn += clipStep[j] * clipStep[j];
            }
            assertTrue(dot > 0, "clip step is a descent direction");
            assertTrue(Math.sqrt(sn) <= Math.sqrt(gn) / lambda * (1 + 1e-12), "clip step bounded by ‖g‖/λ");
            assertEquals(NewtonResult.STATUS_MODIFIED, spectral.status()[i]);
            assertEquals(NewtonResult.STATUS_MODIFIED, clip.status()[i]);
            assertEquals(lambda, spectral.lambda()[i]);
        }
        // spectral changes ν = μ + λ < λ: a has −3, −0.15, −0.05 (0 gives ν = λ exactly: unchanged); b has −0.099
        assertEquals(4, spectral.stats().eigenvaluesModified());
        // clip changes μ < 0: the same four
        assertEquals(4, clip.stats().eigenvaluesModified());
        assertEquals(2, spectral.stats().modifiedSystems());
        assertClose(-3, spectral.stats().minEigenvalue(), F64, "min eigenvalue");
        assertTrue(spectral.stats().maxStepRatio() <= 1 / lambda * (1 + 1e-12), "spectral bounds the step by 1/λ");
        assertEquals(0, spectral.stats().escalated());
    }

    @Test
    void negativeEigenvaluesAtRoundingLevelAreLeftAloneButSmallRealOnesAreNot() {
        double lambda = 0.1;
        Random rnd = new Random(77);
        Known rounding = Known.random(rnd, -1e-16, 1, 2, 3);  // within 64·eps·‖C‖: rounding of a PSD matrix
        Known real = Known.random(rnd, -1e-6, 1, 2, 3);       // a genuine (small) negative curvature
        int m = 4;
        double[] g = gaussian(rnd, 2 * m);
        double[] c = concat(rounding.matrix(), real.matrix());
        for (Safeguard sg : new Safeguard[] {Safeguard.SPECTRAL, Safeguard.CLIP}) {
            NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, sg, lambda), new double[2 * m], g, c, 2, m);
            assertEquals(NewtonResult.STATUS_OK, r.status()[0], sg + ": rounding-level negative eigenvalue");
            assertAllClose(DenseReference.solve(DenseReference.plusIdentity(c, 0, m, lambda), 0, m, g, 0),
                    Arrays.copyOfRange(r.step(), 0, m), F64, sg + " step 0");
            assertEquals(NewtonResult.STATUS_MODIFIED, r.status()[1], sg + ": −1e-6 is curvature");
            // both maps send μ = −1e-6 to λ (spectral: |−1e-6 + λ| < λ; clip: max(μ, 0) + λ)
            assertAllClose(real.solve(mu -> mu < 0 ? lambda : mu + lambda, g, m), Arrays.copyOfRange(r.step(), m, 2 * m),
                    F64, sg + " step 1");
            assertEquals(1, r.stats().eigenvaluesModified());
            assertClose(-1e-6, r.stats().minEigenvalue(), new org.newtonloss.testing.Tolerances.Tol(1e-6, 1e-14),
                    "min eigenvalue");
        }
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void sharedIndefiniteSystemGivesOneStatusForAllSamples(Safeguard safeguard) {
        double lambda = 0.1;
        Random rnd = new Random(44);
        int m = 4, batch = 3;
        Known mean = Known.random(rnd, -2, 0.5, 1, 3);
        double[] c = concat(mean.matrix(), mean.matrix(), mean.matrix());
        double[] g = gaussian(rnd, batch * m);
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN_MEAN, safeguard, lambda), new double[batch * m],
                g, c, batch, m);
        int expectedStatus = safeguard == Safeguard.ESCALATE ? 2 : NewtonResult.STATUS_MODIFIED;
        double expectedLambda = safeguard == Safeguard.ESCALATE ? 10 : lambda;
        for (int i = 0; i < batch; i++) {
            assertEquals(expectedStatus, r.status()[i]);
            assertClose(expectedLambda, r.lambda()[i], F64, "lambda");
        }
        assertEquals(1, r.stats().systems());
        assertEquals(safeguard == Safeguard.ESCALATE ? 1 : 0, r.stats().escalated());
        assertEquals(safeguard == Safeguard.ESCALATE ? 0 : 1, r.stats().eigenvaluesModified());
    }

    record FuzzCase(double curvatureScale, double gradScale, double lambda) {}

    static Stream<FuzzCase> fuzzCases() {
        return Stream.of(1e-12, 1.0, 1e6, 1e12).flatMap(cs -> Stream.of(1e-6, 1.0, 1e6)
                .flatMap(gs -> Stream.of(1e-8, 0.1, 1e4).map(l -> new FuzzCase(cs, gs, l))));
    }

    /** Random indefinite, singular and ranking-like (C·1 = 0) systems at extreme scales: never NaN or ∞. */
    @ParameterizedTest
    @MethodSource("fuzzCases")
    void adversarialScalesGiveFiniteStepsForEveryCurvatureAndSafeguard(FuzzCase f) {
        int m = 6, batch = 8;
        Random rnd = new Random(Double.hashCode(f.curvatureScale() * 31 + f.gradScale() * 7 + f.lambda()));
        double[] c = new double[batch * m * m];
        for (int i = 0; i < batch; i++) {
            double[] block = switch (i % 4) {
                case 0 -> RandomMatrices.symmetric(rnd, m);                    // indefinite
                case 1 -> new double[m * m];                                    // zero
                case 2 -> Known.random(rnd, -1, 0, 0, 1, 1e-9, 1e9).matrix();  // singular, wide spectrum
                default -> { // ranking-like: every row sums to zero
                    double[] a = RandomMatrices.symmetric(rnd, m);
                    for (int r = 0; r < m; r++) {
                        double sum = 0;
                        for (int k = 0; k < m; k++) if (k != r) sum += a[r * m + k];
                        a[r * m + r] = -sum;
                    }
                    yield a;
                }
            };
            for (int k = 0; k < m * m; k++) c[i * m * m + k] = block[k] * f.curvatureScale();
        }
        double[] g = gaussian(rnd, batch * m);
        for (int k = 0; k < g.length; k++) g[k] *= f.gradScale();
        double[] y = gaussian(rnd, batch * m);
        for (Curvature curvature : Curvature.values())
            for (Safeguard sg : Safeguard.values()) {
                NewtonResult r = engine.step(new NewtonOptions(curvature, sg, f.lambda()), y, g, c, batch, m);
                for (int k = 0; k < r.step().length; k++) {
                    assertTrue(Double.isFinite(r.step()[k]) && Double.isFinite(r.z()[k]),
                            curvature + "/" + sg + " " + f + ": step[" + k + "] = " + r.step()[k]);
                }
                for (double l : r.lambda()) assertTrue(Double.isFinite(l) && l >= f.lambda());
                assertTrue(Double.isFinite(r.stats().maxStepRatio()));
                if (sg != Safeguard.ESCALATE) // every solved eigenvalue is ≥ λ/2
                    assertTrue(r.stats().maxStepRatio() <= 2 / f.lambda() * (1 + 1e-9),
                            curvature + "/" + sg + " " + f + ": ratio " + r.stats().maxStepRatio());
            }
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void scalarSystems(Safeguard sg) {
        double lambda = 0.5;
        double[] c = {2, -3, 0, -0.25};
        double[] g = {1, 1, 1, 1};
        NewtonResult r = engine.step(new NewtonOptions(Curvature.HESSIAN, sg, lambda), new double[4], g, c, 4, 1);
        double[] expected = switch (sg) {
            case ESCALATE -> new double[] {1 / 2.5, 1 / (-3 + 5.0), 1 / 0.5, 1 / 0.25}; // −3 escalates once
            case SPECTRAL -> new double[] {1 / 2.5, 1 / 2.5, 1 / 0.5, 1 / 0.5};
            case CLIP -> new double[] {1 / 2.5, 1 / 0.5, 1 / 0.5, 1 / 0.5};
        };
        assertAllClose(expected, r.step(), F64, sg + " step");
    }

    // ----------------------------------------------------------------------------------------- float, inputs

    @ParameterizedTest
    @EnumSource(Curvature.class)
    void floatAgreesWithDouble(Curvature curvature) {
        int batch = 9, m = 7;
        Random rnd = new Random(55);
        double[] c = new double[0];
        for (int i = 0; i < batch; i++) c = concat(c, i % 2 == 0 ? RandomMatrices.spd(rnd, m) : RandomMatrices.symmetric(rnd, m));
        double[] g = gaussian(rnd, batch * m);
        double[] y = gaussian(rnd, batch * m);
        float[] cf = new float[c.length], gf = new float[g.length], yf = new float[y.length];
        for (int k = 0; k < c.length; k++) cf[k] = (float) c[k];
        for (int k = 0; k < g.length; k++) {
            gf[k] = (float) g[k];
            yf[k] = (float) y[k];
        }
        double[] cr = new double[c.length], gr = new double[g.length], yr = new double[y.length];
        for (int k = 0; k < c.length; k++) cr[k] = cf[k];
        for (int k = 0; k < g.length; k++) {
            gr[k] = gf[k];
            yr[k] = yf[k];
        }
        for (Safeguard sg : Safeguard.values()) {
            NewtonOptions o = new NewtonOptions(curvature, sg, 0.5);
            NewtonResult d = engine.step(o, yr, gr, curvature == Curvature.FISHER ? null : cr, batch, m);
            NewtonResultF32 f = engine.step(o, yf, gf, curvature == Curvature.FISHER ? null : cf, batch, m);
            for (int k = 0; k < d.step().length; k++) {
                assertEquals((float) d.step()[k], f.step()[k], "step " + k);
                assertEquals((float) d.z()[k], f.z()[k], "z " + k);
            }
            assertArrayEquals(d.status(), f.status());
            assertArrayEquals(d.lambda(), f.lambda());
        }
    }

    @ParameterizedTest
    @EnumSource(Safeguard.class)
    void largeParallelBatchEqualsSampleBySample(Safeguard sg) {
        int batch = 600, m = 12; // large enough for SystemLoop to fork
        Random rnd = new Random(66);
        double[] c = new double[0];
        for (int i = 0; i < batch; i++) c = concat(c, i % 3 == 0 ? RandomMatrices.symmetric(rnd, m) : RandomMatrices.spd(rnd, m));
        double[] g = gaussian(rnd, batch * m);
        double[] y = gaussian(rnd, batch * m);
        NewtonOptions o = new NewtonOptions(Curvature.HESSIAN, sg, 0.05);
        NewtonResult all = engine.step(o, y, g, c, batch, m);
        int escalated = 0, modified = 0;
        for (int i = 0; i < batch; i++) {
            NewtonResult one = engine.step(o, Arrays.copyOfRange(y, i * m, i * m + m), Arrays.copyOfRange(g, i * m, i * m + m),
                    Arrays.copyOfRange(c, i * m * m, (i + 1) * m * m), 1, m);
            assertArrayEquals(one.step(), Arrays.copyOfRange(all.step(), i * m, i * m + m), "step " + i);
            assertEquals(one.status()[0], all.status()[i], "status " + i);
            assertEquals(one.lambda()[0], all.lambda()[i], "lambda " + i);
            escalated += one.stats().escalated();
            modified += one.stats().modifiedSystems();
        }
        assertEquals(escalated, all.stats().escalated());
        assertEquals(modified, all.stats().modifiedSystems());
        assertTrue(sg == Safeguard.ESCALATE ? escalated > 100 : modified > 100, "the batch exercises the safeguard");
    }

    @Test
    void badInputNamesTheArgumentAndItsValue() {
        double[] y = new double[6], g = new double[6], c = new double[18];
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, bad));
            assertTrue(e.getMessage().contains("lambda") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        NewtonOptions o = new NewtonOptions(Curvature.HESSIAN, Safeguard.SPECTRAL, 0.1);
        double[] gNaN = g.clone();
        gNaN[4] = Double.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, y, gNaN, c, 2, 3));
        assertTrue(e.getMessage().contains("grad[4]") && e.getMessage().contains("NaN"), e.getMessage());
        double[] cInf = c.clone();
        cInf[17] = Double.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, y, g, cInf, 2, 3));
        assertTrue(e.getMessage().contains("curvature[17]") && e.getMessage().contains("Infinity"), e.getMessage());
        double[] yNaN = y.clone();
        yNaN[0] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, yNaN, g, c, 2, 3));
        assertTrue(e.getMessage().contains("y[0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, y, g, null, 2, 3));
        assertTrue(e.getMessage().contains("curvature") && e.getMessage().contains("hessian"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, y, g, new double[17], 2, 3));
        assertTrue(e.getMessage().contains("curvature") && e.getMessage().contains("18") && e.getMessage().contains("17"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, new double[5], g, c, 2, 3));
        assertTrue(e.getMessage().contains("y:") && e.getMessage().contains("5"), e.getMessage());
        float[] gf = new float[6];
        gf[2] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> engine.step(o, new float[6], gf, new float[18], 2, 3));
        assertTrue(e.getMessage().contains("grad[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FisherTransform(-2, FisherTransform.Reduction.MEAN));
        assertTrue(e.getMessage().contains("lambda") && e.getMessage().contains("-2"), e.getMessage());
    }

    @Test
    void namesParseAndUnknownNamesAreRejectedWithTheKnownOnes() {
        for (Curvature c : Curvature.values()) assertEquals(c, Curvature.parse(c.cliName()));
        for (Safeguard s : Safeguard.values()) assertEquals(s, Safeguard.parse(s.cliName()));
        assertEquals(Curvature.HESSIAN_MEAN, Curvature.parse("hessian-mean"));
        assertEquals(Curvature.GAUSS_NEWTON, Curvature.parse("gauss-newton"));
        var e = assertThrows(IllegalArgumentException.class, () -> Curvature.parse("newton"));
        assertTrue(e.getMessage().contains("'newton'") && e.getMessage().contains("hessian-mean, fisher, gauss-newton"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Safeguard.parse("Spectral"));
        assertTrue(e.getMessage().contains("'Spectral'") && e.getMessage().contains("escalate, spectral, clip"),
                e.getMessage());
    }
}
