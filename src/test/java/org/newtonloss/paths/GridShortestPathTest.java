package org.newtonloss.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.testing.Tolerances;

class GridShortestPathTest {
    record Size(int rows, int columns) {}

    static Stream<Size> smallSizes() {
        return Stream.of(new Size(1, 1), new Size(1, 5), new Size(4, 1), new Size(2, 2), new Size(2, 4),
                new Size(3, 3), new Size(3, 4), new Size(4, 3));
    }

    static Stream<Size> largeSizes() {
        return Stream.of(new Size(5, 7), new Size(12, 12), new Size(18, 18), new Size(9, 30), new Size(30, 30));
    }

    /** Minimum over every simple 8-connected start→target path (exhaustive DFS), and how many attain it. */
    private static double[] bruteForce(GridShape g, double[] c) {
        double[] best = {Double.POSITIVE_INFINITY, 0};
        boolean[] on = new boolean[g.cells()];
        on[0] = true;
        dfs(g, c, 0, c[0], on, best);
        return best;
    }

    private static void dfs(GridShape g, double[] c, int v, double cost, boolean[] on, double[] best) {
        if (v == g.target()) {
            if (cost < best[0] - 1e-9) { best[0] = cost; best[1] = 1; }
            else if (Math.abs(cost - best[0]) <= 1e-9) best[1]++;
            return;
        }
        int r = v / g.columns(), q = v % g.columns();
        for (int k = 0; k < 8; k++) {
            int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
            if (rr < 0 || rr >= g.rows() || qq < 0 || qq >= g.columns()) continue;
            int u = rr * g.columns() + qq;
            if (on[u]) continue;
            on[u] = true;
            dfs(g, c, u, cost + c[u], on, best);
            on[u] = false;
        }
    }

    /** Plain Bellman-Ford on the vertex-weighted grid: relax every edge until nothing changes. */
    private static double bellmanFord(GridShape g, double[] c) {
        double[] d = new double[g.cells()];
        Arrays.fill(d, Double.POSITIVE_INFINITY);
        d[0] = c[0];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int v = 0; v < g.cells(); v++) {
                if (d[v] == Double.POSITIVE_INFINITY) continue;
                int r = v / g.columns(), q = v % g.columns();
                for (int k = 0; k < 8; k++) {
                    int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
                    if (rr < 0 || rr >= g.rows() || qq < 0 || qq >= g.columns()) continue;
                    int u = rr * g.columns() + qq;
                    if (d[v] + c[u] < d[u]) { d[u] = d[v] + c[u]; changed = true; }
                }
            }
        }
        return d[g.target()];
    }

    private static double[] randomCosts(SplittableRandom rnd, int n) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) c[i] = 0.5 + 4.5 * rnd.nextDouble();
        return c;
    }

    @ParameterizedTest
    @MethodSource("smallSizes")
    void matchesBruteForceOnSmallGrids(Size size) {
        GridShape g = new GridShape(size.rows(), size.columns());
        SplittableRandom rnd = new SplittableRandom(17 + size.rows() * 31 + size.columns());
        for (int trial = 0; trial < 25; trial++) {
            double[] c = randomCosts(rnd, g.cells());
            double[] path = new double[g.cells()];
            double cost = GridShortestPath.solve(g, c, 0, path, 0);
            double[] best = bruteForce(g, c);
            Tolerances.assertClose(best[0], cost, Tolerances.F64, "optimal cost " + size + " trial " + trial);
            PathMaps.validate(g, path, 0);
            Tolerances.assertClose(cost, PathMaps.cost(g, path, 0, c, 0), Tolerances.F64, "cost of returned map");
        }
    }

    @ParameterizedTest
    @MethodSource("largeSizes")
    void matchesBellmanFordOnRandomGrids(Size size) {
        GridShape g = new GridShape(size.rows(), size.columns());
        SplittableRandom rnd = new SplittableRandom(99 + size.rows() * 7 + size.columns());
        double[] warcraft = {0.8, 1.2, 5.3, 7.7, 9.2};
        for (int trial = 0; trial < 10; trial++) {
            double[] c = randomCosts(rnd, g.cells());
            if (trial % 2 == 1) for (int i = 0; i < c.length; i++) c[i] = warcraft[rnd.nextInt(5)];
            double[] path = GridShortestPath.solve(g, c);
            double cost = PathMaps.cost(g, path, 0, c, 0);
            Tolerances.assertClose(bellmanFord(g, c), cost, Tolerances.F64, "optimal cost " + size + " trial " + trial);
            PathMaps.validate(g, path, 0);
        }
    }

    @Test
    void tiesGoToThePredecessorSettledFirst() {
        // 2x3 grid of ones: 0-1-5 and 0-4-5 both cost 3; cells 1 and 4 both have distance 2, so 1 (the smaller
        // row-major index) is settled first and becomes the target's predecessor.
        GridShape g = new GridShape(2, 3);
        double[] path = GridShortestPath.solve(g, new double[] {1, 1, 1, 1, 1, 1});
        assertArrayEquals(new double[] {1, 1, 0, 0, 0, 1}, path);
        // All zero costs: every cell ties; the rule still gives one deterministic, valid path.
        GridShape square = new GridShape(6, 6);
        double[] zero = GridShortestPath.solve(square, new double[36]);
        PathMaps.validate(square, zero, 0);
        assertArrayEquals(zero, GridShortestPath.solve(square, new double[36]));
    }

    @Test
    void batchEqualsOneByOne() {
        GridShape g = new GridShape(12, 12);
        SplittableRandom rnd = new SplittableRandom(5);
        int batch = 64;
        double[] costs = randomCosts(rnd, batch * g.cells());
        double[] paths = new double[costs.length];
        double[] optimal = GridShortestPath.solveBatch(g, costs, paths);
        for (int b = 0; b < batch; b++) {
            double[] one = GridShortestPath.solve(g, Arrays.copyOfRange(costs, b * 144, b * 144 + 144));
            assertArrayEquals(one, Arrays.copyOfRange(paths, b * 144, b * 144 + 144), "sample " + b);
            Tolerances.assertClose(PathMaps.cost(g, one, 0, costs, b * 144), optimal[b], Tolerances.F64, "cost " + b);
        }
    }

    record BadCost(double value) {}

    static Stream<BadCost> badCosts() {
        return Stream.of(new BadCost(-0.5), new BadCost(Double.NaN), new BadCost(Double.POSITIVE_INFINITY),
                new BadCost(Double.NEGATIVE_INFINITY));
    }

    @ParameterizedTest
    @MethodSource("badCosts")
    void rejectsBadCostsNamingTheValue(BadCost bad) {
        GridShape g = new GridShape(3, 3);
        double[] c = new double[9];
        Arrays.fill(c, 1);
        c[4] = bad.value();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridShortestPath.solve(g, c));
        assertTrue(e.getMessage().contains("cell 4") && e.getMessage().contains(String.valueOf(bad.value())),
                e.getMessage());
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new GridShape(0, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridShape.square(143));
        assertTrue(e.getMessage().contains("143"), e.getMessage());
        assertEquals(new GridShape(12, 12), GridShape.square(144));
        assertThrows(IllegalArgumentException.class, () -> GridShortestPath.solve(new GridShape(3, 3), new double[8]));
        assertThrows(IllegalArgumentException.class,
                () -> GridShortestPath.solveBatch(new GridShape(3, 3), new double[18], new double[9]));
    }

    @Test
    void validationRejectsBrokenMaps() {
        GridShape g = new GridShape(3, 3);
        PathMaps.validate(g, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 0);
        assertThrows(InvalidPathException.class, () -> PathMaps.validate(g, new double[] {1, 0, 0, 0, 0, 0, 0, 0, 1}, 0));
        assertThrows(InvalidPathException.class, () -> PathMaps.validate(g, new double[] {0, 0, 0, 0, 1, 0, 0, 0, 1}, 0));
        assertThrows(InvalidPathException.class, () -> PathMaps.validate(g, new double[] {1, 0, 0, 0, 0.5, 0, 0, 0, 1}, 0));
        // Path 0-3-7-8 plus a stray cell 2 that touches none of its cells.
        InvalidPathException e = assertThrows(InvalidPathException.class,
                () -> PathMaps.validate(g, new double[] {1, 0, 1, 1, 0, 0, 0, 1, 1}, 0));
        assertTrue(e.getMessage().contains("not connected"), e.getMessage());
    }

    @Test
    void metrics() {
        GridShape g = new GridShape(2, 2);
        double[] truth = {1, 0, 0, 1, 1, 0, 0, 1};
        double[] pred = {1, 0, 0, 1, 1, 1, 0, 1};
        double[] costs = {1, 5, 5, 1, 1, 2, 9, 1};
        assertEquals(0.5, PathMaps.perfectMatch(g, pred, truth));
        double[] ratio = PathMaps.costRatio(g, pred, truth, costs);
        assertEquals(1.0, ratio[0]);
        assertEquals(4.0 / 2.0, ratio[1]);
    }
}
