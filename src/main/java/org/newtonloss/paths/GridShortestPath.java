package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.loss.Batches;

/**
 * Exact shortest path on a vertex-weighted, 8-connected grid from the top-left to the bottom-right cell
 * (Dijkstra). A path's cost is the sum of the costs of all its cells, both ends included; the result is the 0/1
 * map of the path's cells.
 *
 * <p><b>Tie rule.</b> Cells are settled in increasing (tentative distance, row-major index) order, and a cell's
 * predecessor changes only on a strict improvement. So among the predecessors that give a cell its optimal
 * distance, the one settled first wins: the smallest distance, then the smallest row-major index. The result is
 * a deterministic function of the costs (as rounded in double), independent of threads and batch layout.
 *
 * <p><b>How it is fast</b> (issue 3 asks ≥ 100,000 solves of 12×12 per second per core):
 * <ul>
 *   <li>On a vertex-weighted graph every edge into u has the same weight c(u), and cells leave the queue in
 *       non-decreasing distance, so the first relaxation of u, from the first of its neighbours to be settled, is
 *       already final: a later neighbour v' gives d(v') + c(u) ≥ d(v) + c(u) (rounding is monotone), never a
 *       strict improvement. So every cell enters the queue once, with its final distance and predecessor: no
 *       decrease-key, no stale entries, and the predecessor is the one the tie rule names.</li>
 *   <li>The queue is a radix heap (a monotone priority queue) on the bits of the distance, which for
 *       non-negative doubles order like the numbers: bucket b holds the keys whose highest bit differing from the
 *       last popped key is b, so a push is one XOR and one leading-zero count; a pop redistributes the lowest
 *       non-empty bucket around its minimum. Bucket 0 holds the keys equal to the last one: among them the
 *       smallest cell index leaves first, which is the tie rule.</li>
 *   <li>The grid lives in a per-thread (H+2)×(W+2) array whose border cells count as reached, so the eight
 *       neighbours are fixed offsets without bounds checks. Padded indices increase with the row-major index, so
 *       the tie rule reads the same on them. Nothing is allocated per solve; the search stops when the target
 *       leaves the queue.</li>
 * </ul>
 * The class test {@code GridShortestPathEquivalenceTest} checks path and cost bit for bit against the first,
 * binary-heap implementation (kept in the tests) on tie-heavy and random grids.
 *
 * <p>Costs must be finite and ≥ 0; anything else is an {@link IllegalArgumentException} naming the cell and value.
 * The class is stateless; scratch space is per thread.
 */
public final class GridShortestPath {
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private GridShortestPath() {}

    /**
     * Solves one grid.
     *
     * @param costs     H·W costs at {@code costs[offset ..]}, row-major; not modified
     * @param path      modified: receives the 0/1 path map at {@code path[pathOffset ..]}
     * @return the path's cost (sum over its cells)
     */
    public static double solve(GridShape grid, double[] costs, int offset, double[] path, int pathOffset) {
        int n = grid.cells();
        checkRange("costs", costs.length, offset, n);
        checkRange("path", path.length, pathOffset, n);
        return WORKSPACE.get().solve(grid, costs, offset, path, pathOffset);
    }

    /** Convenience: solves one grid given as an array of exactly H·W costs and returns its path map. */
    public static double[] solve(GridShape grid, double[] costs) {
        if (costs.length != grid.cells())
            throw new IllegalArgumentException("costs: expected " + grid.cells() + " values for a " + grid
                    + " grid, got " + costs.length);
        double[] path = new double[grid.cells()];
        solve(grid, costs, 0, path, 0);
        return path;
    }

    /**
     * Solves a batch in parallel: sample i's costs at {@code costs[i·H·W ..]}, its map into {@code paths[i·H·W ..]}.
     *
     * @return the optimal cost of each sample
     */
    public static double[] solveBatch(GridShape grid, double[] costs, double[] paths) {
        int n = grid.cells();
        if (costs.length % n != 0 || costs.length == 0)
            throw new IllegalArgumentException("costs: length " + costs.length + " is not a positive multiple of "
                    + n + " (" + grid + " grid)");
        if (paths.length != costs.length)
            throw new IllegalArgumentException("paths: expected length " + costs.length + ", got " + paths.length);
        int batch = costs.length / n;
        double[] result = new double[batch];
        Batches.forEachSample(batch, n, i -> result[i] = solve(grid, costs, i * n, paths, i * n));
        return result;
    }

    private static void checkRange(String name, int length, int offset, int n) {
        if (offset < 0 || offset > length - n)
            throw new IllegalArgumentException(name + ": need " + n + " values from offset " + offset
                    + ", array length is " + length);
    }

    /**
     * Per-thread arrays on the padded grid (row stride W+2): costs, distances (−∞ on the border: "reached"),
     * predecessors, and the radix heap, whose entries are the cells themselves (each is queued once).
     */
    private static final class Workspace {
        GridShape shape;
        int rows, columns, stride;
        final int[] offsets = new int[8];
        double[] cost = new double[0], dist = new double[0];
        int[] pred = new int[0];
        long[] key = new long[0]; // heap key of a queued cell: the bits of its distance
        int[] next = new int[0];  // next cell in the same bucket, −1 at the end
        final int[] head = new int[64];
        long occupied;            // bit b set when bucket b is non-empty (head[b] is valid only then)
        long last;                // key of the last popped cell; every queued key is >= last

        void reshape(GridShape grid) {
            shape = grid;
            rows = grid.rows();
            columns = grid.columns();
            stride = columns + 2;
            int padded = (rows + 2) * stride;
            for (int k = 0; k < 8; k++) offsets[k] = GridShape.DROW[k] * stride + GridShape.DCOL[k];
            cost = new double[padded];
            dist = new double[padded];
            pred = new int[padded];
            key = new long[padded];
            next = new int[padded];
            // The border never changes: −∞ is not +∞, so a border cell never counts as unreached.
            Arrays.fill(dist, Double.NEGATIVE_INFINITY);
        }

        double solve(GridShape grid, double[] costs, int offset, double[] path, int pathOffset) {
            if (!grid.equals(shape)) reshape(grid);
            int w = columns, sw = stride;
            double[] c = cost, d = dist;
            // copy and validate the costs, and mark the interior unreached (the −∞ border stays)
            for (int r = 0, i = offset; r < rows; r++) {
                int row = (r + 1) * sw + 1;
                for (int q = 0; q < w; q++, i++) {
                    double v = costs[i];
                    if (!(v >= 0) || v == Double.POSITIVE_INFINITY) throw badCost(i - offset, v);
                    c[row + q] = v;
                    d[row + q] = Double.POSITIVE_INFINITY;
                }
            }
            int start = sw + 1, target = rows * sw + w;
            int[] pr = pred;
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
            int o4 = offsets[4], o5 = offsets[5], o6 = offsets[6], o7 = offsets[7];
            occupied = 0;
            d[start] = c[start];
            pr[start] = -1;
            last = bits(d[start]);
            push(start, last);
            while (occupied != 0) {
                int v = pop();
                if (v == target) break;
                double dv = d[v];
                reach(v, v + o0, dv);
                reach(v, v + o1, dv);
                reach(v, v + o2, dv);
                reach(v, v + o3, dv);
                reach(v, v + o4, dv);
                reach(v, v + o5, dv);
                reach(v, v + o6, dv);
                reach(v, v + o7, dv);
            }
            Arrays.fill(path, pathOffset, pathOffset + grid.cells(), 0.0);
            for (int v = target; v >= 0; v = pr[v]) path[pathOffset + (v / sw - 1) * w + v % sw - 1] = 1.0;
            return d[target];
        }

        /** The first relaxation of u is final (see the class comment): set it and queue u. */
        private void reach(int v, int u, double dv) {
            if (dist[u] == Double.POSITIVE_INFINITY) {
                double du = dv + cost[u];
                dist[u] = du;
                pred[u] = v;
                push(u, bits(du));
            }
        }

        /** Order-preserving bits of a distance ≥ 0 (−0.0 becomes +0.0). */
        private static long bits(double distance) { return Double.doubleToRawLongBits(distance + 0.0); }

        private void push(int u, long k) {
            key[u] = k;
            int b = 64 - Long.numberOfLeadingZeros(k ^ last); // 0 when k == last; < 64 since keys are >= 0
            next[u] = (occupied >>> b & 1) != 0 ? head[b] : -1;
            head[b] = u;
            occupied |= 1L << b;
        }

        /** Removes and returns the queued cell with the smallest (distance, index); the queue must not be empty. */
        private int pop() {
            if ((occupied & 1) == 0) {
                // refill bucket 0: the lowest non-empty bucket holds the next minimum; redistribute it around that
                int b = Long.numberOfTrailingZeros(occupied);
                int first = head[b];
                long min = Long.MAX_VALUE;
                for (int u = first; u >= 0; u = next[u]) min = Math.min(min, key[u]);
                last = min;
                occupied &= ~(1L << b);
                for (int u = first; u >= 0; ) {
                    int after = next[u];
                    int nb = 64 - Long.numberOfLeadingZeros(key[u] ^ min); // < b: all keys here share bits above b
                    next[u] = (occupied >>> nb & 1) != 0 ? head[nb] : -1;
                    head[nb] = u;
                    occupied |= 1L << nb;
                    u = after;
                }
            }
            // bucket 0: keys equal to last; the smallest index leaves first (the tie rule)
            int best = head[0], bestPrevious = -1;
            for (int previous = best, u = next[best]; u >= 0; previous = u, u = next[u])
                if (u < best) {
                    best = u;
                    bestPrevious = previous;
                }
            if (bestPrevious < 0) head[0] = next[best];
            else next[bestPrevious] = next[best];
            if (head[0] < 0) occupied &= ~1L;
            return best;
        }

        private IllegalArgumentException badCost(int i, double value) {
            return new IllegalArgumentException("cost of cell " + i + " (row " + i / columns + ", column "
                    + i % columns + ") must be finite and >= 0, got " + value);
        }
    }
}
