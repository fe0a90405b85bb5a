package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/**
 * NeuralSort and SoftSort against src/test/resources/reference/ranking_n5.json (a copy of
 * shared/reference/ranking_n5.json: PyTorch 1.13, float64 and float32, direct implementations of the paper
 * formulas, Hessians by double backward). That file's conventions are ours: P[j][k] = weight of input j at
 * ascending rank k (NeuralSort/SoftSort transposed into it), per-sample BCE mean over n² entries.
 *
 * <p>Samples flagged {@code bce_eps_clamp_on_target} are skipped for gradients and Hessians: there torch's BCE
 * backward divides by max(p(1−p), 1e-12) instead of p(1−p), so its derivatives are not the exact derivatives of
 * the loss it reports (our implementation differentiates the clamped loss exactly). Values and P are compared
 * on every sample.
 *
 * <p>A second, independent oracle: softrank_mp_oracle.json, written by softrank_mp_oracle.py (next to it) with
 * 60-digit mpmath and finite differences of the loss alone. It covers the same samples plus saturated ones. On
 * one SoftSort sample (a row with an off-target p ≈ 1 − 2e-5) torch's float64 Hessian is off by up to 5e-7: its
 * naive formula cancels terms of size 1/(1−p)²; ours matches the oracle to ~1e-15 there. So the torch Hessian
 * is held to max(1e-9, twice torch's own error against the oracle), and ours to 1e-11 against the oracle
 * (1e-9 on the oracle's saturated extra cases).
 */
class SoftPermutationReferenceTest {
    private static final double REL = 1e-9;

    /** One reference sample: group, dtype block and sample index. */
    record Sample(String method, String spec, JsonNode group, String dtype, int index) {
        @Override public String toString() { return method + " " + dtype + " sample " + index; }
    }

    static JsonNode reference() throws IOException {
        try (InputStream in = SoftPermutationReferenceTest.class.getResourceAsStream("/reference/ranking_n5.json")) {
            assertNotNull(in, "reference/ranking_n5.json on the test classpath");
            return new ObjectMapper().readTree(in);
        }
    }

    /** The SPEC of a reference group: its params name tau only; SoftSort's power is the default 1. */
    static String spec(JsonNode group) {
        String method = group.get("method").asText();
        double tau = group.get("params").get("tau").asDouble();
        return method.equals("neuralsort") ? "neuralsort:tau=" + tau : "softsort:tau=" + tau + ",power=1";
    }

    static Stream<Sample> samples() throws IOException {
        List<Sample> out = new ArrayList<>();
        for (JsonNode group : reference().get("groups")) {
            String method = group.get("method").asText();
            if (!method.equals("neuralsort") && !method.equals("softsort")) continue;
            for (String dtype : new String[] {"float64", "float32"})
                for (int i = 0; i < group.get("x").size(); i++) out.add(new Sample(method, spec(group), group, dtype, i));
        }
        assertEquals(16, out.size(), "neuralsort and softsort groups, 4 samples, 2 dtypes");
        return out.stream();
    }

    static double[] vector(JsonNode node) {
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) v[i] = node.get(i).asDouble();
        return v;
    }

    static double[] matrix(JsonNode node) {
        int n = node.size();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) v[i * n + j] = node.get(i).get(j).asDouble();
        return v;
    }

    static void assertScaled(double[] expected, double[] actual, double rtol, String what) {
        SoftPermutationDerivativesTest.assertScaled(expected, actual, rtol, 0, what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void matchesReference(Sample s) {
        SoftPermutationLoss loss = (SoftPermutationLoss) Losses.parse(s.spec());
        JsonNode block = s.group().get("by_dtype").get(s.dtype());
        double[] x = vector(s.group().get("x").get(s.index()));
        double[] t = vector(s.group().get("targets").get(s.index()));
        int n = x.length;
        int[] perm = Ranks.stableArgsort(t, 0, n);
        assertArrayEquals(intVector(s.group().get("perm").get(s.index())), perm, s + " perm");
        boolean clampedOnTarget = block.get("bce_eps_clamp_on_target").get(s.index()).asBoolean();
        double[] refP = matrix(block.get("P").get(s.index()));
        double refLoss = block.get("loss").get(s.index()).asDouble();
        double[] refGrad = vector(block.get("grad").get(s.index()));
        double[] refHess = matrix(block.get("hessian").get(s.index()));

        if (s.dtype().equals("float64")) {
            double[] p = new double[n * n];
            loss.permutationMatrix(x, 0, n, p);
            assertScaled(refP, p, REL, s + " P");
            double[] g = new double[n];
            double[] h = new double[n * n];
            double value = loss.evaluate(0, n, x, t, g, h);
            Tolerances.assertClose(refLoss, value, Tolerances.F64, s + " loss");
            if (clampedOnTarget) return;
            assertScaled(refGrad, g, REL, s + " gradient");
            double[] exact = oracleHessian(s.spec(), x);
            double torchError = scaledError(exact, refHess);
            assertScaled(exact, h, 1e-11, s + " hessian vs 60-digit oracle");
            assertTrue(torchError < 1e-6, s + ": torch's Hessian error " + torchError + " (file or oracle mixed up?)");
            assertScaled(refHess, h, Math.max(REL, 2 * torchError), s + " hessian (torch's own error " + torchError + ")");
            JsonNode pd = block.get("newton_pd").get(s.index());
            if (pd.asBoolean()) {
                // Same solve on torch's own H and g first: pins the reference's convention ((H + λI) d = g).
                double lambda = reference0().get("lambda").asDouble();
                double[] refStep = vector(block.get("newton_step").get(s.index()));
                assertScaled(refStep, solveDamped(refHess, refGrad, n, lambda), 1e-10, s + " torch's step from torch's H");
                double stepError = scaledError(solveDamped(exact, refGrad, n, lambda), refStep);
                assertScaled(refStep, solveDamped(h, g, n, lambda), Math.max(1e-8, 2 * stepError),
                        s + " newton step (torch's own error " + stepError + ")");
            }
        } else {
            // The float path against torch in float32: both carry float rounding; ours computes in double inside.
            float[] xf = new float[n];
            float[] tf = new float[n];
            for (int i = 0; i < n; i++) { xf[i] = (float) x[i]; tf[i] = (float) t[i]; }
            float[] gf = new float[n];
            float[] hf = new float[n * n];
            float value = loss.evaluate(0, n, xf, tf, gf, hf);
            Tolerances.assertClose(refLoss, value, Tolerances.F32, s + " loss");
            if (clampedOnTarget) return;
            assertScaled(refGrad, toDouble(gf), 1e-4, s + " gradient");
            assertScaled(refHess, toDouble(hf), 1e-4, s + " hessian");
        }
    }

    /** The float path agrees with the double path much more tightly than torch float32 does. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void floatPathTracksDoublePath(Sample s) {
        if (!s.dtype().equals("float32")) return;
        SoftPermutationLoss loss = (SoftPermutationLoss) Losses.parse(s.spec());
        double[] x = vector(s.group().get("x").get(s.index()));
        double[] t = vector(s.group().get("targets").get(s.index()));
        int n = x.length;
        float[] xf = new float[n];
        float[] tf = new float[n];
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) { xf[i] = (float) x[i]; tf[i] = (float) t[i]; xd[i] = xf[i]; }
        double[] g = new double[n];
        double[] h = new double[n * n];
        double value = loss.evaluate(0, n, xd, t, g, h);
        float[] gf = new float[n];
        float[] hf = new float[n * n];
        float valueF = loss.evaluate(0, n, xf, tf, gf, hf);
        Tolerances.assertClose(value, valueF, new Tolerances.Tol(1e-6, 0), s + " loss");
        assertScaled(g, toDouble(gf), 1e-6, s + " gradient");
        assertScaled(h, toDouble(hf), 1e-6, s + " hessian");
    }

    /** The oracle case of this SPEC with these scores (exact match of x). */
    static double[] oracleHessian(String spec, double[] x) {
        for (JsonNode c : oracle().get("cases"))
            if (Losses.parse(c.get("spec").asText()).equals(Losses.parse(spec)) && java.util.Arrays.equals(vector(c.get("x")), x))
                return matrix(c.get("hessian"));
        throw new AssertionError("no oracle case for x = " + java.util.Arrays.toString(x));
    }

    static double scaledError(double[] exact, double[] approx) {
        double scale = 0, err = 0;
        for (int i = 0; i < exact.length; i++) {
            scale = Math.max(scale, Math.abs(exact[i]));
            err = Math.max(err, Math.abs(exact[i] - approx[i]));
        }
        return err / scale;
    }

    static JsonNode oracle() {
        try (InputStream in = SoftPermutationReferenceTest.class.getResourceAsStream("/reference/softrank_mp_oracle.json")) {
            assertNotNull(in, "reference/softrank_mp_oracle.json on the test classpath");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One oracle case: SPEC, scores, targets and the 60-digit loss, gradient and Hessian. */
    record OracleCase(String spec, JsonNode node, int index) {
        @Override public String toString() { return "oracle " + index + " " + spec; }
    }

    static Stream<OracleCase> oracleCases() {
        List<OracleCase> out = new ArrayList<>();
        JsonNode cases = oracle().get("cases");
        for (int i = 0; i < cases.size(); i++) out.add(new OracleCase(cases.get(i).get("spec").asText(), cases.get(i), i));
        assertEquals(13, out.size());
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleCases")
    void matchesHighPrecisionOracle(OracleCase c) {
        SoftPermutationLoss loss = (SoftPermutationLoss) Losses.parse(c.spec());
        double[] x = vector(c.node().get("x"));
        double[] t = vector(c.node().get("targets"));
        int n = x.length;
        double[] g = new double[n];
        double[] h = new double[n * n];
        double value = loss.evaluate(0, n, x, t, g, h);
        Tolerances.assertClose(c.node().get("loss").asDouble(), value, new Tolerances.Tol(1e-13, 0), c + " loss");
        assertScaled(vector(c.node().get("grad")), g, 1e-12, c + " gradient");
        // Deeply saturated rows (oracle 10: loss 9.2, max|H| 1e-4) cancel pieces of size ~(1/(nτ))² in double.
        assertScaled(matrix(c.node().get("hessian")), h, 1e-9, c + " hessian");
        // The float entry point (double inside, float outer products) on the same point.
        float[] xf = new float[n];
        float[] tf = new float[n];
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) { xf[i] = (float) x[i]; tf[i] = (float) t[i]; xd[i] = xf[i]; }
        loss.evaluate(0, n, xd, t, g, h);
        float[] gf = new float[n];
        float[] hf = new float[n * n];
        loss.evaluate(0, n, xf, tf, gf, hf);
        assertScaled(g, toDouble(gf), 1e-6, c + " float gradient");
        assertScaled(h, toDouble(hf), 1e-6, c + " float hessian");
    }

    private static JsonNode reference0() {
        try {
            return reference();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int[] intVector(JsonNode node) {
        int[] v = new int[node.size()];
        for (int i = 0; i < v.length; i++) v[i] = node.get(i).asInt();
        return v;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** (H + λI)⁻¹ g by an unpivoted Cholesky of the lower triangle, as the reference's Newton steps were made. */
    static double[] solveDamped(double[] h, double[] g, int n, double lambda) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = h[i * n + j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) {
                    assertTrue(s > 0, "H + λI positive definite at pivot " + i);
                    l[i * n + i] = Math.sqrt(s);
                } else l[i * n + j] = s / l[j * n + j];
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = g[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * y[k];
            y[i] = s / l[i * n + i];
        }
        double[] d = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * d[k];
            d[i] = s / l[i * n + i];
        }
        assertFalse(java.util.Arrays.stream(d).anyMatch(v -> !Double.isFinite(v)), "finite step");
        return d;
    }
}
