package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-made cases whose metrics can be checked by eye. */
class RankingMetricsTest {

    /** Scores, true values, and the number of right ranks worked out by hand. */
    record Case(String name, double[] scores, double[] targets, int right) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // true ranks [0, 2, 1]; predicted [0, 2, 1]
                new Case("same order, different scale", new double[] {0.1, 0.5, 0.3}, new double[] {1, 30, 20}, 3),
                // predicted ranks [0, 1, 2] vs true [0, 2, 1]: only item 0 right
                new Case("one swap", new double[] {0.1, 0.3, 0.5}, new double[] {1, 3, 2}, 1),
                new Case("reversed, n = 4", new double[] {4, 3, 2, 1}, new double[] {1, 2, 3, 4}, 0),
                // reversing an odd n keeps the middle item in place
                new Case("reversed, n = 5", new double[] {5, 4, 3, 2, 1}, new double[] {1, 2, 3, 4, 5}, 1),
                // predicted tie [1, 1] broken by input order: ranks [0, 1, 2]; true [0, 1, 2]
                new Case("tie in scores, true order = input order", new double[] {1, 1, 2}, new double[] {4, 5, 6}, 3),
                // same tie, true ranks [1, 0, 2]: only item 2 right
                new Case("tie in scores, true order reversed", new double[] {1, 1, 2}, new double[] {5, 4, 6}, 1),
                // ties in the true values are broken by input order too: true ranks [0, 1, 2]; predicted [1, 0, 2]
                new Case("tie in true values", new double[] {2, 1, 3}, new double[] {7, 7, 9}, 1),
                new Case("infinite scores rank", new double[] {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY},
                        new double[] {-1, 0, 1}, 3),
                new Case("n = 1", new double[] {42}, new double[] {-1}, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void perSample(Case c) {
        int n = c.scores().length;
        assertEquals(c.right(), RankingMetrics.correctRanks(c.scores(), c.targets(), 0, n), c + " right ranks");
        assertEquals(c.right() == n, RankingMetrics.exactMatch(c.scores(), c.targets(), 0, n), c + " exact match");
        assertEquals(c.right() / (double) n, RankingMetrics.elementWise(c.scores(), c.targets(), 0, n), 0.0, c + " element-wise");
    }

    @Test
    void batchMeans() {
        // Sample 0: all 3 right (exact); sample 1: 1 of 3 right. Means: exact 1/2, element-wise 4/6.
        double[] scores = {0.1, 0.5, 0.3, 0.1, 0.3, 0.5};
        double[] targets = {1, 30, 20, 1, 3, 2};
        RankingMetrics.Accuracy a = RankingMetrics.evaluate(scores, targets, 2, 3);
        assertEquals(0.5, a.exactMatch(), 0.0);
        assertEquals(4.0 / 6.0, a.elementWise(), 1e-15);
        float[] sf = new float[6];
        float[] tf = new float[6];
        for (int i = 0; i < 6; i++) { sf[i] = (float) scores[i]; tf[i] = (float) targets[i]; }
        assertEquals(a, RankingMetrics.evaluate(sf, tf, 2, 3));
        // The second sample alone, addressed by index.
        assertEquals(1.0 / 3.0, RankingMetrics.elementWise(scores, targets, 1, 3), 1e-15);
    }

    @Test
    void badInputNamesTheValue() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new double[] {1, 2, 3, Double.NaN}, new double[] {1, 2, 3, 4}, 2, 2));
        assertTrue(nan.getMessage().contains("scores[sample 1][1]"), nan.getMessage());
        IllegalArgumentException nanT = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new double[] {1, 2}, new double[] {Double.NaN, 2}, 1, 2));
        assertTrue(nanT.getMessage().contains("targets[sample 0][0]"), nanT.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new double[5], new double[6], 2, 3));
        assertTrue(shape.getMessage().contains("got 5"), shape.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.evaluate(new double[0], new double[0], 0, 3));
        assertTrue(batch.getMessage().contains("got 0"), batch.getMessage());
    }
}
