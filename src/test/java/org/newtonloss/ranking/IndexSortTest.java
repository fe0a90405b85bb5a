package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allocation-free argsort equals Ranks.stableArgsort (Double.compare order, ties in input order). */
class IndexSortTest {

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 3, 7, 16, 47, 48, 49, 64, 65, 100, 200, 1000})
    void equalsBoxedStableArgsort(int n) {
        Random rnd = new Random(n);
        for (int trial = 0; trial < 20; trial++) {
            double[] v = new double[n + 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (rnd.nextInt(6)) {
                    case 0 -> rnd.nextInt(4); // many ties
                    case 1 -> rnd.nextBoolean() ? -0.0 : 0.0;
                    case 2 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(20) - 10);
                };
            }
            int[] perm = new int[n];
            IndexSort.stableArgsort(v, 3, n, perm, new int[n]);
            assertArrayEquals(Ranks.stableArgsort(v, 3, n), perm, "n=" + n + " trial " + trial);
        }
    }
}
