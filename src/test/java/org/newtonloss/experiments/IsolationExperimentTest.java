package org.newtonloss.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.newtonloss.loss.MseLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;

class IsolationExperimentTest {
    private static final IsolationExperiment.Config MSE = new IsolationExperiment.Config(new MseLoss(), 5, 100, 300, 3.0, 7);

    @Test
    void sameSeedGivesIdenticalRows() {
        List<Optimizer> opts = List.of(new Optimizer.GradientDescent(0.1), new Optimizer.Adam(0.05),
                new Optimizer.Newton(new NewtonOptions(Curvature.FISHER, Safeguard.ESCALATE, 0.1), 1));
        assertEquals(IsolationExperiment.run(MSE, opts), IsolationExperiment.run(MSE, opts));
        var other = new IsolationExperiment.Config(new MseLoss(), 5, 100, 300, 3.0, 8);
        assertFalse(IsolationExperiment.run(other, opts).equals(IsolationExperiment.run(MSE, opts)),
                "a different seed draws different problems");
    }

    /** On a convex quadratic, every Newton variant reaches the optimum's order in fewer steps than GD. */
    @Test
    void newtonBeatsGradientDescentOnAConvexLoss() {
        var gd = IsolationExperiment.run(MSE, new Optimizer.GradientDescent(0.1));
        assertEquals(1.0, gd.reachedFraction(), "GD with a stable rate converges too, just slower");
        for (Curvature c : List.of(Curvature.HESSIAN, Curvature.HESSIAN_MEAN)) {
            for (Safeguard s : Safeguard.values()) {
                var row = IsolationExperiment.run(MSE, new Optimizer.Newton(new NewtonOptions(c, s, 0.01), 1));
                assertEquals(1.0, row.reachedFraction(), row.optimizer());
                assertTrue(row.medianStepsToReach() < gd.medianStepsToReach(),
                        row.optimizer() + " took " + row.medianStepsToReach() + " steps, GD " + gd.medianStepsToReach());
                assertTrue(row.medianFinalLoss() < 1e-20, row.optimizer() + " final loss " + row.medianFinalLoss());
                assertEquals(0.0, row.safeguardedFraction(), "H = I is PD: no safeguard needed");
            }
        }
    }

    @Test
    void divergenceIsReportedNotHidden() {
        var row = IsolationExperiment.run(MSE, new Optimizer.GradientDescent(2.5));
        assertTrue(row.diverged() || row.medianFinalLoss() > 1e10, "GD with lr 2.5 on H = I must blow up: " + row);
    }

    @Test
    void badConfigIsRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new IsolationExperiment.Config(new MseLoss(), 5, 0, 10, 1, 1));
        assertTrue(e.getMessage().contains("seeds") && e.getMessage().contains("0"), e.getMessage());
    }
}
