package org.newtonloss.newton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.newtonloss.testing.Tolerances.assertAllClose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.testing.Tolerances.Tol;

/**
 * The engine against the float64 Newton and Fisher steps of src/test/resources/reference/ranking_n5.json and
 * ranking_bitonic_n7.json (copies of shared/reference: diffsort / NeuralSort / SoftSort in PyTorch 1.13; the
 * Newton step solves (H_i + λI) d = g_i by Cholesky of the lower triangle, null where H_i + λI is not PD; the
 * Fisher step solves (F + λI) d = g_i with F = mean g gᵀ). The files' own gradients and Hessians are fed in, so
 * this tests the engine alone.
 */
class NewtonReferenceTest {
    private static final Tol REFERENCE = new Tol(1e-9, 1e-15);

    record Group(String file, String name, int n, double lambda, double[] grad, double[] hessian, boolean[] pd,
                 double[] newtonStep, double[] fisherStep) {
        int batch() { return pd.length; }

        @Override public String toString() { return file + " #" + name; }
    }

    static Stream<Group> groups() throws IOException {
        List<Group> out = new ArrayList<>();
        for (String file : new String[] {"ranking_n5.json", "ranking_bitonic_n7.json"}) {
            JsonNode root;
            try (InputStream in = NewtonReferenceTest.class.getResourceAsStream("/reference/" + file)) {
                root = new ObjectMapper().readTree(in);
            }
            double lambda = root.get("lambda").asDouble();
            int index = 0;
            for (JsonNode g : root.get("groups")) {
                JsonNode f = g.get("by_dtype").get("float64");
                int n = g.get("n").asInt();
                int k = f.get("grad").size();
                boolean[] pd = new boolean[k];
                double[] newton = new double[k * n];
                for (int i = 0; i < k; i++) {
                    pd[i] = f.get("newton_pd").get(i).asBoolean();
                    JsonNode step = f.get("newton_step").get(i);
                    if (pd[i]) for (int j = 0; j < n; j++) newton[i * n + j] = step.get(j).asDouble();
                }
                out.add(new Group(file, index++ + " " + g.get("method").asText() + " " + g.get("params"), n, lambda,
                        flatten(f.get("grad")), flatten(f.get("hessian")), pd, newton, flatten(f.get("fisher_step"))));
            }
        }
        return out.stream();
    }

    private static double[] flatten(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> into) {
        if (node.isArray()) for (JsonNode child : node) collect(child, into);
        else into.add(node.asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void perSampleNewtonStepMatchesWherePositiveDefinite(Group g) {
        int n = g.n(), batch = g.batch();
        NewtonResult r = new NewtonEngine().step(new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, g.lambda()),
                new double[batch * n], g.grad(), g.hessian(), batch, n);
        for (int i = 0; i < batch; i++) {
            if (g.pd()[i]) {
                assertEquals(0, r.status()[i], "sample " + i + " is PD in the reference");
                assertAllClose(java.util.Arrays.copyOfRange(g.newtonStep(), i * n, i * n + n),
                        java.util.Arrays.copyOfRange(r.step(), i * n, i * n + n), REFERENCE, "newton_step " + i);
            } else {
                assertTrue(r.status()[i] > 0, "sample " + i + " is not PD in the reference: escalated, got status "
                        + r.status()[i]);
                for (int j = 0; j < n; j++) assertTrue(Double.isFinite(r.step()[i * n + j]));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void fisherStepMatches(Group g) {
        int n = g.n(), batch = g.batch();
        NewtonOptions o = new NewtonOptions(Curvature.FISHER, Safeguard.ESCALATE, g.lambda());
        NewtonResult r = new NewtonEngine().step(o, new double[batch * n], g.grad(), null, batch, n);
        assertAllClose(g.fisherStep(), r.step(), REFERENCE, "fisher_step");
        for (NewtonEngine.FisherMethod method : NewtonEngine.FisherMethod.values())
            assertAllClose(g.fisherStep(), new NewtonEngine().fisherSteps(o, g.grad(), batch, n, method), REFERENCE,
                    "fisher_step " + method);
    }
}
