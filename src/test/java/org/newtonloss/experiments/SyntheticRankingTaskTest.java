package org.newtonloss.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;

class SyntheticRankingTaskTest {
    private static final org.newtonloss.loss.AlgorithmicLoss NEURALSORT = Losses.parse("neuralsort:tau=1");

    @Test
    void trainingLearnsTheOrderFarBeyondChance() {
        var untrained = SyntheticRankingTask.run(SyntheticRankingTask.Config.defaults(NEURALSORT, null, 5, 1, 3));
        var trained = SyntheticRankingTask.run(SyntheticRankingTask.Config.defaults(NEURALSORT, null, 5, 150, 3));
        assertTrue(trained.elementWise() > untrained.elementWise() + 0.2,
                "element-wise " + untrained.elementWise() + " -> " + trained.elementWise());
        assertTrue(trained.exactMatch() > 0.2, "exact match " + trained.exactMatch() + " (chance 1/120)");
    }

    @Test
    void runsAreDeterministicBySeed() {
        var o = new NewtonOptions(Curvature.HESSIAN, Safeguard.SPECTRAL, 1);
        var a = SyntheticRankingTask.run(SyntheticRankingTask.Config.defaults(NEURALSORT, o, 5, 40, 11));
        var b = SyntheticRankingTask.run(SyntheticRankingTask.Config.defaults(NEURALSORT, o, 5, 40, 11));
        assertEquals(a, b);
        var c = SyntheticRankingTask.run(SyntheticRankingTask.Config.defaults(NEURALSORT, o, 5, 40, 12));
        assertTrue(!a.equals(c), "another seed trains another student");
    }

    @Test
    void badConfigNamesTheValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticRankingTask.Config.defaults(NEURALSORT, null, 5, 0, 1));
        assertTrue(e.getMessage().contains("steps") && e.getMessage().contains("0"), e.getMessage());
    }
}
