package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.loss.Batches;

/**
 * Exact shortest path on a vertex-weighted, 8-connected grid from the top-left to the bottom-right cell
 * (Dijkstra with an indexed binary heap on primitive arrays). A path's cost is the sum of the costs of all its
 * cells, both ends included; the result is the 0/1 map of the path's cells.
 *
 * <p><b>Tie rule.</b> Cells are settled in increasing (tentative distance, row-major index) order, and a cell's
 * predecessor changes only on a strict improvement. So among the predecessors that give a cell its optimal
 * distance, the one settled first wins: the smallest distance, then the smallest row-major index. The result is
 * a deterministic function of the costs (as rounded in double), independent of threads and batch layout.
 *
 * <p>Costs must be finite and ≥ 0; anything else is an {@link IllegalArgumentException} naming the cell and value.
 * Instances are stateless; scratch space is per thread.
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
        for (int i = 0; i < n; i++) {
            double c = costs[offset + i];
            if (!(c >= 0) || c == Double.POSITIVE_INFINITY)
                throw new IllegalArgumentException("cost of cell " + i + " (row " + i / grid.columns() + ", column "
                        + i % grid.columns() + ") must be finite and >= 0, got " + c);
        }
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

    /** Per-thread arrays: distances, predecessors and an indexed min-heap (heap position per cell). */
    private static final class Workspace {
        double[] dist = new double[0];
        int[] pred = new int[0];
        int[] heap = new int[0];
        int[] position = new int[0]; // -1 = never queued, -2 = settled, else index in heap
        int size;

        double solve(GridShape grid, double[] costs, int offset, double[] path, int pathOffset) {
            int h = grid.rows(), w = grid.columns(), n = h * w;
            if (dist.length < n) {
                dist = new double[n];
                pred = new int[n];
                heap = new int[n];
                position = new int[n];
            }
            Arrays.fill(position, 0, n, -1);
            size = 0;
            int target = n - 1;
            dist[0] = costs[offset];
            pred[0] = -1;
            push(0);
            while (size > 0) {
                int v = pop();
                position[v] = -2;
                if (v == target) break;
                int r = v / w, q = v - r * w;
                double dv = dist[v];
                for (int k = 0; k < 8; k++) {
                    int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
                    if (rr < 0 || rr >= h || qq < 0 || qq >= w) continue;
                    int u = rr * w + qq;
                    int pu = position[u];
                    if (pu == -2) continue;
                    double du = dv + costs[offset + u];
                    if (pu == -1) {
                        dist[u] = du;
                        pred[u] = v;
                        push(u);
                    } else if (du < dist[u]) {
                        dist[u] = du;
                        pred[u] = v;
                        siftUp(pu);
                    }
                }
            }
            Arrays.fill(path, pathOffset, pathOffset + n, 0.0);
            for (int v = target; v >= 0; v = pred[v]) path[pathOffset + v] = 1.0;
            return dist[target];
        }

        private boolean less(int a, int b) {
            double da = dist[a], db = dist[b];
            return da < db || (da == db && a < b);
        }

        private void push(int v) {
            heap[size] = v;
            position[v] = size;
            siftUp(size++);
        }

        private int pop() {
            int top = heap[0];
            int last = heap[--size];
            if (size > 0) {
                heap[0] = last;
                position[last] = 0;
                siftDown(0);
            }
            return top;
        }

        private void siftUp(int i) {
            int v = heap[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                int p = heap[parent];
                if (!less(v, p)) break;
                heap[i] = p;
                position[p] = i;
                i = parent;
            }
            heap[i] = v;
            position[v] = i;
        }

        private void siftDown(int i) {
            int v = heap[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && less(heap[child + 1], heap[child])) child++;
                int c = heap[child];
                if (!less(c, v)) break;
                heap[i] = c;
                position[c] = i;
                i = child;
            }
            heap[i] = v;
            position[v] = i;
        }
    }
}
