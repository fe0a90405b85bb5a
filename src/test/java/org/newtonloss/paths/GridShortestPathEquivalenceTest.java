package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast padded-grid solver must return exactly what the first (reference) Dijkstra returns: the same path map
 * cell for cell and the same cost bit for bit, on many random grids, most of them full of ties.
 */
class GridShortestPathEquivalenceTest {
    /** How costs are drawn: the tie-heavy kinds are the ones where the tie rule decides the path. */
    enum Kind { UNIFORM, INTEGER_0_TO_3, BINARY, WARCRAFT, ALL_EQUAL, ZEROS_AND_ONES_SPARSE }

    record Case(int rows, int columns, Kind kind) {}

    static Stream<Case> cases() {
        int[][] sizes = {{1, 1}, {1, 7}, {6, 1}, {2, 2}, {3, 5}, {5, 3}, {7, 7}, {12, 12}, {13, 9}, {18, 18}, {30, 30}, {3, 70}, {5, 130}};
        return Arrays.stream(sizes).flatMap(s -> Arrays.stream(Kind.values()).map(k -> new Case(s[0], s[1], k)));
    }

    static double draw(SplittableRandom rnd, Kind kind) {
        double[] warcraft = {0.8, 1.2, 5.3, 7.7, 9.2};
        return switch (kind) {
            case UNIFORM -> rnd.nextDouble() * 10;
            case INTEGER_0_TO_3 -> rnd.nextInt(4);
            case BINARY -> rnd.nextInt(2);
            case WARCRAFT -> warcraft[rnd.nextInt(5)];
            case ALL_EQUAL -> 1;
            case ZEROS_AND_ONES_SPARSE -> rnd.nextInt(10) == 0 ? 1 : 0;
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fastSolverEqualsReference(Case c) {
        GridShape g = new GridShape(c.rows(), c.columns());
        int n = g.cells();
        SplittableRandom rnd = new SplittableRandom(1000L * c.rows() + 10L * c.columns() + c.kind().ordinal());
        int trials = n <= 200 ? 60 : 10;
        // one shared batch array with an offset, to exercise the offsets too
        double[] costs = new double[(trials + 1) * n];
        for (int i = 0; i < costs.length; i++) costs[i] = draw(rnd, c.kind());
        double[] fast = new double[n + 3], reference = new double[n + 3];
        for (int t = 0; t < trials; t++) {
            int offset = t * n + (t % 2) * (n / 2);
            Arrays.fill(fast, -7);
            Arrays.fill(reference, -7);
            double fastCost = GridShortestPath.solve(g, costs, offset, fast, 3);
            double referenceCost = ReferenceGridShortestPath.solve(g, costs, offset, reference, 3);
            assertArrayEquals(reference, fast, c + " trial " + t);
            assertEquals(Double.doubleToRawLongBits(referenceCost), Double.doubleToRawLongBits(fastCost),
                    c + " trial " + t + ": cost " + fastCost + " vs " + referenceCost);
        }
    }
}
