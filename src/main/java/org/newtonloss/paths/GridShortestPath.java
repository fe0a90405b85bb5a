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
 *       non-empty bucket around its minimum (each bucket keeps its minimum up to date, so that is one pass over
 *       the bucket). Bucket 0 holds the keys equal to the last one: among them the smallest cell index leaves
 *       first, which is the tie rule.</li>
 *   <li>The grid lives in a per-thread (H+2)×(W+2) array with a bit set of the cells not reached yet (the
 *       border counts as reached): a settled cell reads the unreached cells of its 3×3 window as one 9-bit mask
 *       and visits only those (about one per cell) instead of testing eight neighbours with unpredictable branches.
 *       Padded indices increase with the row-major index, so the tie rule reads the same on them. Nothing is
 *       allocated per solve; the search stops when the target leaves the queue.</li>
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
     * Per-thread arrays on the padded grid (row stride W+2): costs, distances, predecessors, the bit set of unreached
     * cells, and the radix heap, whose entries are the cells themselves (each is queued once).
     */
    private static final class Workspace {
        GridShape shape;
        int rows, columns, stride, wordsPerRow;
        final int[] step = new int[9]; // padded index offset of bit k of a 3×3 window mask (row-major, k = 4 centre)
        double[] cost = new double[0], dist = new double[0];
        int[] pred = new int[0];
        int[] rowOf = new int[0], columnOf = new int[0]; // padded index → padded row / column
        long[] unreached = new long[0]; // bit set: interior cell not reached yet; rows of wordsPerRow words
        long[] rowTemplate = new long[0]; // the bits of one interior row
        long[] key = new long[0]; // heap key of a queued cell: the bits of its distance
        int[] next = new int[0];  // next cell in the same bucket, −1 at the end
        final int[] head = new int[64];
        final long[] low = new long[64]; // smallest key in bucket b (valid only while b is occupied)
        long occupied;            // bit b set when bucket b is non-empty (head[b] is valid only then)
        long last;                // key of the last popped cell; every queued key is >= last

        void reshape(GridShape grid) {
            shape = grid;
            rows = grid.rows();
            columns = grid.columns();
            stride = columns + 2;
            wordsPerRow = (stride + 63) >>> 6;
            int padded = (rows + 2) * stride;
            for (int k = 0; k < 9; k++) step[k] = (k / 3 - 1) * stride + k % 3 - 1;
            cost = new double[padded];
            dist = new double[padded];
            pred = new int[padded];
            key = new long[padded];
            next = new int[padded];
            rowOf = new int[padded];
            columnOf = new int[padded];
            for (int v = 0; v < padded; v++) {
                rowOf[v] = v / stride;
                columnOf[v] = v % stride;
            }
            unreached = new long[(rows + 2) * wordsPerRow]; // border rows and border columns stay 0: "reached"
            rowTemplate = new long[wordsPerRow];
            for (int q = 1; q <= columns; q++) rowTemplate[q >>> 6] |= 1L << q;
        }

        double solve(GridShape grid, double[] costs, int offset, double[] path, int pathOffset) {
            if (!grid.equals(shape)) reshape(grid);
            int w = columns, sw = stride, wpr = wordsPerRow;
            double[] c = cost, d = dist;
            long[] open = unreached;
            // copy and validate the costs, and mark the interior unreached
            for (int r = 0, i = offset; r < rows; r++) {
                int row = (r + 1) * sw + 1;
                for (int q = 0; q < w; q++, i++) {
                    double v = costs[i];
                    if (!(v >= 0) || v == Double.POSITIVE_INFINITY) throw badCost(i - offset, v);
                    c[row + q] = v;
                }
                System.arraycopy(rowTemplate, 0, open, (r + 1) * wpr, wpr);
            }
            int start = sw + 1, target = rows * sw + w;
            int[] pr = pred, rowIndex = rowOf, columnIndex = columnOf, delta = step;
            occupied = 0;
            d[start] = c[start];
            pr[start] = -1;
            open[wpr] &= ~2L; // the start (padded row 1, column 1) is reached
            last = bits(d[start]);
            push(start, last);
            while (occupied != 0) {
                int v = pop();
                if (v == target) break;
                double dv = d[v];
                // the unreached cells of v's 3×3 window as a 9-bit mask (centre excluded), one bit per neighbour
                int base = (rowIndex[v] - 1) * wpr, left = columnIndex[v] - 1;
                int window = window3(open, base, left) | (window3(open, base + wpr, left) & 5) << 3
                        | window3(open, base + 2 * wpr, left) << 6;
                while (window != 0) {
                    int u = v + delta[Integer.numberOfTrailingZeros(window)];
                    window &= window - 1;
                    // The first relaxation of u is final (see the class comment): set it and queue u.
                    double du = dv + c[u];
                    d[u] = du;
                    pr[u] = v;
                    int q = columnIndex[u];
                    open[rowIndex[u] * wpr + (q >>> 6)] &= ~(1L << q);
                    push(u, bits(du));
                }
            }
            Arrays.fill(path, pathOffset, pathOffset + grid.cells(), 0.0);
            for (int v = target; v >= 0; v = pr[v]) path[pathOffset + (rowOf[v] - 1) * w + columnOf[v] - 1] = 1.0;
            return d[target];
        }

        /** Bits {@code column .. column+2} of the padded row whose words start at {@code base}, as bits 0..2. */
        private static int window3(long[] bits, int base, int column) {
            int word = base + (column >>> 6), shift = column & 63;
            long x = bits[word] >>> shift;
            if (shift > 61) x |= bits[word + 1] << (64 - shift);
            return (int) x & 7;
        }

        /** Order-preserving bits of a distance ≥ 0 (−0.0 becomes +0.0). */
        private static long bits(double distance) { return Double.doubleToRawLongBits(distance + 0.0); }

        private void push(int u, long k) {
            key[u] = k;
            append(64 - Long.numberOfLeadingZeros(k ^ last), u, k); // 0 when k == last; < 64 since keys are >= 0
        }

        private void append(int b, int u, long k) {
            if ((occupied >>> b & 1) != 0) {
                next[u] = head[b];
                low[b] = Math.min(low[b], k);
            } else {
                next[u] = -1;
                low[b] = k;
                occupied |= 1L << b;
            }
            head[b] = u;
        }

        /** Removes and returns the queued cell with the smallest (distance, index); the queue must not be empty. */
        private int pop() {
            if ((occupied & 1) == 0) {
                // refill bucket 0: the lowest non-empty bucket holds the next minimum; redistribute it around that
                int b = Long.numberOfTrailingZeros(occupied);
                long min = low[b];
                last = min;
                occupied &= ~(1L << b);
                for (int u = head[b]; u >= 0; ) {
                    int after = next[u];
                    long k = key[u];
                    append(64 - Long.numberOfLeadingZeros(k ^ min), u, k); // < b: keys here share the bits above b
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
