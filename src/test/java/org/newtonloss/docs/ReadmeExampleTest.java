package org.newtonloss.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.newtonloss.backend.Backends;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.backend.Precision;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;
import org.newtonloss.testing.Tolerances;

/** The Java example of README.md, verbatim, and checks of what it claims. */
class ReadmeExampleTest {

    @Test
    void newtonStepExample() {
        // --- README example, verbatim ---
        AlgorithmicLoss loss = Losses.parse("dsn:network=odd_even,sigmoid=cauchy,steepness=10");
        int batch = 2, n = 5;
        double[] scores  = {0.3, -1.2, 2.0, 0.7, 0.1,   1.0, 0.5, -0.5, 2.5, -2.0};
        double[] targets = {2, 0, 4, 3, 1,              5, 4, 3, 2, 1};
        LossBackend backend = Backends.select("auto", loss, Precision.DOUBLE);   // CUDA if usable, else CPU
        NewtonOptions options = new NewtonOptions(Curvature.HESSIAN, Safeguard.SPECTRAL, 0.1);
        NewtonOutcome out = backend.newton(loss, options, scores, targets, batch, n);
        double[] z = out.result().z();                        // z*_i = y_i − (H_i + λI)⁻¹ g_i
        double[] dLdy = out.result().meanLossGradient();      // ∂/∂y of (1/N) Σ ½‖z*_i − y_i‖²: feed this to the network
        int[] status = out.result().status();                 // 0 = as asked; see docs/cli.md
        // --- end of example ---

        double[] step = out.result().step();
        double[] g = out.evaluation().grad();
        double[] h = out.evaluation().hess();
        for (int k = 0; k < z.length; k++) {
            Tolerances.assertClose(scores[k] - step[k], z[k], Tolerances.F64, "z[" + k + "]");
            Tolerances.assertClose(step[k] / batch, dLdy[k], Tolerances.F64, "dLdy[" + k + "]");
        }
        // Where the status says "as asked", the step solves (H_i + λI) step_i = g_i.
        int solvedAsAsked = 0;
        for (int i = 0; i < batch; i++) {
            if (status[i] != 0) continue;
            solvedAsAsked++;
            for (int r = 0; r < n; r++) {
                double lhs = 0.1 * step[i * n + r];
                for (int c = 0; c < n; c++) lhs += h[(i * n + r) * n + c] * step[i * n + c];
                Tolerances.assertClose(g[i * n + r], lhs, Tolerances.F64, "residual sample " + i + " row " + r);
            }
        }
        assertTrue(solvedAsAsked >= 1, "expected at least one positive-definite system");
    }

    @Test
    void readmeExampleIsTheCodeAbove() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String test = Files.readString(Path.of("src/test/java/org/newtonloss/docs/ReadmeExampleTest.java"));
        String example = test.substring(test.indexOf("// --- README example, verbatim ---\n") + 36, test.indexOf("        // --- end of example ---"));
        for (String line : example.split("\n")) {
            assertTrue(readme.contains(line.strip()), "README.md lacks the example line: " + line.strip());
        }
        assertEquals(true, readme.contains("ReadmeExampleTest"));
    }
}
