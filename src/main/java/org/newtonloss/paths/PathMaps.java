package org.newtonloss.paths;

/**
 * Checks and measures 0/1 path maps on a grid: validity (a connected start→target path), the cost of a map under
 * given costs, and the two metrics of the Warcraft benchmark (perfect match, cost ratio under the true costs).
 */
public final class PathMaps {
    private PathMaps() {}

    /**
     * Throws {@link InvalidPathException} unless the H·W values at {@code map[offset ..]} are all 0 or 1, the start
     * and target cells are 1, and every 1-cell is reachable from the start through 8-neighbouring 1-cells.
     */
    public static void validate(GridShape grid, double[] map, int offset) {
        int n = grid.cells(), w = grid.columns(), h = grid.rows();
        if (offset < 0 || offset > map.length - n)
            throw new IllegalArgumentException("path map: need " + n + " values from offset " + offset
                    + ", array length is " + map.length);
        int ones = 0;
        for (int i = 0; i < n; i++) {
            double v = map[offset + i];
            if (v != 0.0 && v != 1.0)
                throw new InvalidPathException("path map cell " + i + " must be 0 or 1, got " + v);
            if (v == 1.0) ones++;
        }
        if (map[offset] != 1.0) throw new InvalidPathException("path map does not contain the start cell 0");
        if (map[offset + n - 1] != 1.0)
            throw new InvalidPathException("path map does not contain the target cell " + (n - 1));
        boolean[] seen = new boolean[n];
        int[] stack = new int[n];
        int top = 0, reached = 1;
        stack[top++] = 0;
        seen[0] = true;
        while (top > 0) {
            int v = stack[--top];
            int r = v / w, q = v % w;
            for (int k = 0; k < 8; k++) {
                int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
                if (rr < 0 || rr >= h || qq < 0 || qq >= w) continue;
                int u = rr * w + qq;
                if (!seen[u] && map[offset + u] == 1.0) {
                    seen[u] = true;
                    reached++;
                    stack[top++] = u;
                }
            }
        }
        if (!seen[n - 1])
            throw new InvalidPathException("path map is not connected: the target cell " + (n - 1)
                    + " cannot be reached from the start through path cells");
        if (reached != ones)
            throw new InvalidPathException("path map has " + (ones - reached)
                    + " cell(s) not connected to the start-target path");
    }

    /** Σ_i map_i · costs_i over one grid (the cost of the path the map marks). */
    public static double cost(GridShape grid, double[] map, int mapOffset, double[] costs, int costOffset) {
        double s = 0;
        for (int i = 0; i < grid.cells(); i++) s += map[mapOffset + i] * costs[costOffset + i];
        return s;
    }

    /** Fraction of samples whose predicted map equals the true map cell for cell. */
    public static double perfectMatch(GridShape grid, double[] predicted, double[] truth) {
        int batch = batchOf(grid, predicted, truth);
        int n = grid.cells(), matches = 0;
        for (int b = 0; b < batch; b++) {
            boolean same = true;
            for (int i = 0; i < n && same; i++) same = predicted[b * n + i] == truth[b * n + i];
            if (same) matches++;
        }
        return (double) matches / batch;
    }

    /**
     * Per sample: cost of the predicted path under the true costs ÷ cost of the true path under the true costs
     * (≥ 1 when the true path is optimal; 1 for a perfect prediction).
     */
    public static double[] costRatio(GridShape grid, double[] predicted, double[] truth, double[] trueCosts) {
        int batch = batchOf(grid, predicted, truth);
        if (trueCosts.length != truth.length)
            throw new IllegalArgumentException("true costs: expected length " + truth.length + ", got "
                    + trueCosts.length);
        int n = grid.cells();
        double[] ratio = new double[batch];
        for (int b = 0; b < batch; b++)
            ratio[b] = cost(grid, predicted, b * n, trueCosts, b * n) / cost(grid, truth, b * n, trueCosts, b * n);
        return ratio;
    }

    private static int batchOf(GridShape grid, double[] predicted, double[] truth) {
        int n = grid.cells();
        if (predicted.length != truth.length || truth.length % n != 0 || truth.length == 0)
            throw new IllegalArgumentException("path maps: predicted length " + predicted.length + " and true length "
                    + truth.length + " must be equal positive multiples of " + n + " (" + grid + " grid)");
        return truth.length / n;
    }
}
