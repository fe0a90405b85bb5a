package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.loss.Batches;

/**
 * The first Dijkstra of the project (session 1), kept unchanged as the reference the fast {@link GridShortestPath}
 * must reproduce bit for bit (path map and cost), ties included. Exact shortest path on a vertex-weighted, 8-connected grid from the top-left to the bottom-right cell
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
public final class ReferenceGridShortestPath {
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private ReferenceGridShortestPath() {}

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

    /**
     * Per-thread arrays: distances, predecessors, the neighbour table of the current grid shape, and an indexed
     * min-heap that keeps each entry's key next to it (fewer indirect loads than looking dist[] up).
     */
    private static final class Workspace {
        GridShape shape;
        int[] neighbours = new int[0]; // 8 per cell, -1 outside the grid
        double[] dist = new double[0];
        int[] pred = new int[0];
        int[] heap = new int[0];
        double[] heapKey = new double[0];
        int[] position = new int[0]; // -1 = never queued, -2 = settled, else index in heap
        int size;

        double solve(GridShape grid, double[] costs, int offset, double[] path, int pathOffset) {
            int n = grid.cells();
            if (!grid.equals(shape)) {
                shape = grid;
                int h = grid.rows(), w = grid.columns();
                neighbours = new int[n * 8];
                for (int v = 0; v < n; v++) {
                    int r = v / w, q = v % w;
                    for (int k = 0; k < 8; k++) {
                        int rr = r + GridShape.DROW[k], qq = q + GridShape.DCOL[k];
                        neighbours[v * 8 + k] = rr < 0 || rr >= h || qq < 0 || qq >= w ? -1 : rr * w + qq;
                    }
                }
                dist = new double[n];
                pred = new int[n];
                heap = new int[n];
                heapKey = new double[n];
                position = new int[n];
            }
            int[] nb = neighbours;
            int[] pos = position;
            double[] d = dist;
            Arrays.fill(pos, 0, n, -1);
            Arrays.fill(d, 0, n, Double.POSITIVE_INFINITY);
            size = 0;
            int target = n - 1;
            d[0] = costs[offset];
            pred[0] = -1;
            push(0, d[0]);
            while (size > 0) {
                int v = pop();
                pos[v] = -2;
                if (v == target) break;
                double dv = d[v];
                // A settled u has d[u] <= dv and costs are >= 0, so du < d[u] already excludes it; unqueued cells
                // hold +inf. One data-dependent branch per neighbour instead of three.
                for (int k = v * 8, end = k + 8; k < end; k++) {
                    int u = nb[k];
                    if (u < 0) continue;
                    double du = dv + costs[offset + u];
                    if (du < d[u]) {
                        d[u] = du;
                        pred[u] = v;
                        int pu = pos[u];
                        if (pu < 0) push(u, du);
                        else {
                            heapKey[pu] = du;
                            siftUp(pu);
                        }
                    }
                }
            }
            Arrays.fill(path, pathOffset, pathOffset + n, 0.0);
            for (int v = target; v >= 0; v = pred[v]) path[pathOffset + v] = 1.0;
            return d[target];
        }

        private void push(int v, double key) {
            heap[size] = v;
            heapKey[size] = key;
            position[v] = size;
            siftUp(size++);
        }

        private int pop() {
            int top = heap[0];
            int last = heap[--size];
            if (size > 0) {
                heap[0] = last;
                heapKey[0] = heapKey[size];
                position[last] = 0;
                siftDown(0);
            }
            return top;
        }

        /** (key, cell) order: smaller distance first, then smaller row-major index — the documented tie rule. */
        private static boolean before(double ka, int a, double kb, int b) { return ka < kb || (ka == kb && a < b); }

        private void siftUp(int i) {
            int v = heap[i];
            double key = heapKey[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                int p = heap[parent];
                double pk = heapKey[parent];
                if (!before(key, v, pk, p)) break;
                heap[i] = p;
                heapKey[i] = pk;
                position[p] = i;
                i = parent;
            }
            heap[i] = v;
            heapKey[i] = key;
            position[v] = i;
        }

        private void siftDown(int i) {
            int v = heap[i];
            double key = heapKey[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && before(heapKey[child + 1], heap[child + 1], heapKey[child], heap[child])) child++;
                int c = heap[child];
                double ck = heapKey[child];
                if (!before(ck, c, key, v)) break;
                heap[i] = c;
                heapKey[i] = ck;
                position[c] = i;
                i = child;
            }
            heap[i] = v;
            heapKey[i] = key;
            position[v] = i;
        }
    }
}
