package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

/**
 * Agreement with diffsort (PyTorch 1.13, commit 5c417ea) on the reference files in
 * {@code src/test/resources/reference/} (copies of the project's shared reference files): P and loss of every
 * sample, and gradient, Hessian and Newton step of every sample that the file does not flag
 * {@code bce_eps_clamp_on_target}. Those flagged samples have a target entry with p(1−p) &lt; 1e-12, where torch's
 * BCE backward divides by 1e-12 instead of p(1−p): torch's derivatives there are not the derivatives of the loss
 * (the file's {@code grad_fd_rel_err} shows it), and ours are exact. P and the loss are not affected by that floor
 * (the −100 log clamp we replicate), so they are compared on every sample.
 *
 * <p>torch's double backward of BCE adds ε = 1e-12 inside its second derivative, (p² − 2pq + q)/((p+ε)²(1−p+ε)²),
 * so its Hessians differ from the exact ones by a relative ~2ε/p (up to 1e-6 here, for saturated logistic
 * samples). Hessians and Newton steps are therefore compared with {@link DiffSortLoss#withTorchBceCurvature()},
 * which changes nothing but that second derivative: agreement to 1e-9 shows that every other part of the Hessian
 * is exactly diffsort's; the exact Hessian itself is checked against finite differences in
 * {@link DiffSortLossDerivativesTest}.
 */
class DiffSortReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** float64 agreement with diffsort: relative, with 1e-9 of the array's largest entry as floor. */
    private static final double RTOL64 = 1e-9;

    record Group(String file, int index, String method, String spec, JsonNode node) {
        @Override public String toString() { return file + "#" + index + " " + spec; }
    }

    static JsonNode load(String name) {
        try (InputStream in = DiffSortReferenceTest.class.getResourceAsStream("/reference/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource /reference/" + name);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /reference/" + name, e);
        }
    }

    static Stream<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (String file : new String[] {"ranking_n5.json", "ranking_bitonic_n7.json"}) {
            JsonNode root = load(file);
            int i = 0;
            for (JsonNode g : root.get("groups")) {
                String method = g.get("method").asText();
                if (method.startsWith("ds_")) {
                    JsonNode p = g.get("params");
                    String spec = g.has("spec") ? g.get("spec").asText()
                            : "dsn:network=" + p.get("sorting_network").asText() + ",sigmoid="
                                    + p.get("distribution").asText() + ",steepness=" + p.get("steepness").asDouble();
                    out.add(new Group(file, i, method, spec, g));
                }
                i++;
            }
        }
        assertEquals(2 + 12, out.size(), "DSN groups in the reference files");
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void float64MatchesDiffsort(Group group) {
        JsonNode g = group.node();
        DiffSortLoss loss = (DiffSortLoss) Losses.parse(group.spec());
        DiffSortLoss torchLoss = loss.withTorchBceCurvature();
        int n = g.get("n").asInt();
        JsonNode ref = g.get("by_dtype").get("float64");
        // diffsort's gaussian backward rounds sigma to float32; the file also holds the exact derivatives.
        JsonNode derivs = g.has("float64_gaussian_exact_sigma") ? g.get("float64_gaussian_exact_sigma") : ref;
        double lambda = load(group.file()).get("lambda").asDouble();
        int compared = 0;
        for (int s = 0; s < g.get("x").size(); s++) {
            String at = group + " sample " + s;
            double[] x = vector(g.get("x").get(s));
            double[] t = vector(g.get("targets").get(s));
            int[] rank = new int[n];
            Ranks.stableAscendingRanks(t, 0, n, rank);
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[rank[i]] = i;
            assertArrayEquals(ints(g.get("perm").get(s)), perm, at + ": perm");

            double[] p = new double[n * n];
            loss.permutationMatrix(x, 0, n, p);
            assertClose(flatten(ref.get("P").get(s)), p, RTOL64, at + ": P");

            double[] grad = new double[n], hess = new double[n * n];
            double value = loss.evaluate(0, n, x, t, grad, hess);
            assertClose(new double[] {ref.get("loss").get(s).asDouble()}, new double[] {value}, RTOL64, at + ": loss");

            if (ref.get("bce_eps_clamp_on_target").get(s).asBoolean()) continue;
            compared++;
            assertClose(vector(derivs.get("grad").get(s)), grad, RTOL64, at + ": grad");
            // A target entry p below 1e-10 has curvature 1/p² > 1e20: rounding (in torch and here) is amplified
            // accordingly, and such samples are compared at 1e-8.
            double rtol = ref.get("min_p_on_target").get(s).asDouble() < 1e-10 ? 1e-8 : RTOL64;
            double[] torchGrad = new double[n];
            torchLoss.evaluate(0, n, x, t, torchGrad, hess);
            assertClose(flatten(derivs.get("hessian").get(s)), hess, rtol, at + ": hessian (torch BCE curvature)");
            if (derivs.get("newton_pd").get(s).asBoolean()) {
                double[] step = choleskySolve(hess, grad, n, lambda);
                assertTrue(step != null, at + ": H + λI should be positive definite");
                assertClose(vector(derivs.get("newton_step").get(s)), step, 10 * rtol, at + ": newton_step");
            } else {
                assertTrue(choleskySolve(hess, grad, n, lambda) == null, at + ": H + λI should not be positive definite");
            }
        }
        assertTrue(compared >= 2, group + ": only " + compared + " unflagged samples");
    }

    /** The float32 block of ranking_n5.json (inputs rounded to float) against the float path, at float tolerance. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void float32MatchesDiffsort(Group group) {
        JsonNode ref = group.node().get("by_dtype").get("float32");
        if (ref == null) return; // only ranking_n5.json has a float32 block
        JsonNode g = group.node();
        DiffSortLoss loss = (DiffSortLoss) Losses.parse(group.spec());
        int n = g.get("n").asInt();
        for (int s = 0; s < g.get("x").size(); s++) {
            String at = group + " float32 sample " + s;
            float[] x = floats(g.get("x").get(s)), t = floats(g.get("targets").get(s));
            float[] grad = new float[n], hess = new float[n * n];
            float value = loss.evaluate(0, n, x, t, grad, hess);
            assertClose(new double[] {ref.get("loss").get(s).asDouble()}, new double[] {value}, 1e-5, at + ": loss");
            if (ref.get("bce_eps_clamp_on_target").get(s).asBoolean()) continue;
            assertClose(vector(ref.get("grad").get(s)), toDouble(grad), 1e-4, at + ": grad");
            assertClose(flatten(ref.get("hessian").get(s)), toDouble(hess), 1e-4, at + ": hessian");
        }
    }

    /** Cholesky of the lower triangle of H + λI, then the solve; null when not positive definite. */
    static double[] choleskySolve(double[] h, double[] g, int n, double lambda) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = h[i * n + j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) {
                    if (!(s > 0)) return null;
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = g[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * z[k];
            z[i] = s / l[i * n + i];
        }
        double[] d = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * d[k];
            d[i] = s / l[i * n + i];
        }
        return d;
    }

    /** |a − e| ≤ rtol·(|e| + max|e|·1e-3)... relative per entry with a small floor from the array's scale. */
    static void assertClose(double[] expected, double[] actual, double rtol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * (Math.abs(expected[i]) + scale);
            assertFalse(Double.isNaN(actual[i]), what + "[" + i + "] is NaN");
            if (Math.abs(actual[i] - expected[i]) > tol)
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (|diff| "
                        + Math.abs(actual[i] - expected[i]) + ", tol " + tol + ")");
        }
    }

    static double[] vector(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asDouble();
        return v;
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).asDouble();
        return v;
    }

    static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
        return v;
    }

    static double[] flatten(JsonNode m) {
        int rows = m.size(), cols = m.get(0).size();
        double[] v = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) v[i * cols + j] = m.get(i).get(j).asDouble();
        return v;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
