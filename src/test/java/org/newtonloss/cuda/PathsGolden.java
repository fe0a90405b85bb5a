package org.newtonloss.cuda;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
import org.newtonloss.spec.Losses;

/**
 * Golden cases of the path kernels' math (kernels/nl_paths.cuh), computed by the Java CPU classes: the exact grid
 * shortest path on grids full of ties (GridShortestPath's tie rule), and the three stochastic path losses with the
 * noise their {@code Smoothing} draws.
 */
final class PathsGolden {
    private PathsGolden() {}

    static final String FILE = "paths.txt";

    /** Every family with and without baseline, antithetic, S ∈ {3, 10, 30}, L1 and L2. */
    static final List<String> SPECS = List.of(
            "smooth-loss:samples=3,sigma=0.5,seed=7",
            "smooth-loss:samples=10,sigma=1.0,seed=8,antithetic=true,baseline=false",
            "smooth-algorithm:samples=10,sigma=0.5,seed=9,loss=l2",
            "smooth-algorithm:samples=3,sigma=1.0,seed=10,loss=l1",
            "smooth-algorithm:samples=30,sigma=0.3,seed=11,loss=l2,antithetic=true,baseline=false",
            "smooth-algorithm:samples=10,sigma=2.0,seed=14,loss=l1,baseline=false",
            "fenchel-young:samples=10,sigma=0.5,seed=12",
            "fenchel-young:samples=30,sigma=1.0,seed=13,baseline=false");

    /**
     * Relaxed Bellman-Ford with the For loop: every t-conorm, L1 and L2, start=absorb, N ≥ max(H, W) − 1 and the
     * INFTY regime (N = 3 on 5×5, where the target is unreached).
     */
    static final List<String> BF_SPECS = List.of(
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=8,tconorm=probabilistic",
            "bellman-ford:loop=for,loss=l1,beta=5,iterations=6,tconorm=probabilistic",
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=8,tconorm=hamacher,p=5",
            "bellman-ford:loop=for,loss=l2,beta=3,iterations=8,tconorm=yager",
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=8,tconorm=probabilistic,start=absorb",
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=3,tconorm=probabilistic");

    /** Terrain costs of the Warcraft maps. */
    static final double[] TERRAIN = {0.8, 1.2, 5.3, 7.7, 9.2};

    static void write(Path dir) throws IOException {
        Random rnd = new Random(2026);
        try (GoldenWriter w = new GoldenWriter(dir.resolve(FILE))) {
            int[][] shapes = {{1, 1}, {1, 7}, {7, 1}, {3, 5}, {5, 5}, {12, 12}, {30, 30}};
            String[] kinds = {"uniform", "integer", "zero", "terrain"};
            for (int[] shape : shapes)
                for (String kind : kinds) writeShortestPath(w, rnd, new GridShape(shape[0], shape[1]), kind, 6);
            for (String spec : SPECS) {
                writeLoss(w, rnd, spec, 5, 4);
                writeLoss(w, rnd, spec, 12, 2);
            }
            for (String spec : BF_SPECS) writeBellmanFord(w, rnd, spec, 5, 3);
            writeBellmanFord(w, rnd, "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic", 12, 1);
        }
    }

    /** Costs of one grid: uniform in [0, 10), integers 0..2 (many equal-cost paths), all zero, or terrain values. */
    static double[] costs(Random rnd, int cells, String kind) {
        double[] c = new double[cells];
        for (int i = 0; i < cells; i++)
            c[i] = switch (kind) {
                case "uniform" -> 10 * rnd.nextDouble();
                case "integer" -> rnd.nextInt(3);
                case "zero" -> 0;
                default -> TERRAIN[rnd.nextInt(TERRAIN.length)];
            };
        return c;
    }

    static void writeBellmanFord(GoldenWriter w, Random rnd, String spec, int side, int batch) throws IOException {
        AlgorithmicLoss loss = Losses.parse(spec);
        BellmanFordKernel k = BellmanFordKernel.of(loss).orElseThrow();
        GridShape grid = new GridShape(side, side);
        int m = grid.cells();
        double[] y = new double[batch * m], truth = new double[batch * m];
        for (int b = 0; b < batch; b++) {
            double[] trueCosts = costs(rnd, m, "terrain");
            System.arraycopy(GridShortestPath.solve(grid, trueCosts), 0, truth, b * m, m);
            for (int i = 0; i < m; i++) y[b * m + i] = (float) Math.max(0.1, trueCosts[i] + rnd.nextGaussian());
        }
        Evaluation e = Batches.evaluate(loss, y, truth, batch, m, true);
        w.begin(spec.replace(':', '_').replace(',', '_').replace('=', '-') + "_" + grid)
                .scalar("family", "bellman_ford").scalar("rows", side).scalar("cols", side).scalar("iterations", k.iterations())
                .scalar("beta", k.beta()).scalar("tconorm", k.tconorm()).scalar("p", k.p()).scalar("absorb", k.absorb() ? 1 : 0)
                .scalar("l2", k.l2() ? 1 : 0).scalar("batch", batch)
                .scalar("compare_hessian", k.infinityRegime(side, side) ? 0 : 1)
                .array("y", y).array("truth", truth).array("loss", e.loss()).array("grad", e.grad()).array("hess", e.hess()).end();
    }

    static void writeShortestPath(GoldenWriter w, Random rnd, GridShape grid, String kind, int batch) throws IOException {
        int m = grid.cells();
        double[] costs = new double[batch * m];
        for (int b = 0; b < batch; b++) System.arraycopy(costs(rnd, m, kind), 0, costs, b * m, m);
        double[] maps = new double[batch * m];
        double[] optimal = GridShortestPath.solveBatch(grid, costs, maps);
        w.begin("shortest_path_" + grid + "_" + kind).scalar("family", "shortest_path").scalar("precisions", "double")
                .scalar("rows", grid.rows()).scalar("cols", grid.columns()).scalar("batch", batch)
                .array("costs", costs).array("map", maps).array("optimal", optimal).end();
    }

    /**
     * Network outputs around terrain costs (float-representable, some negative so that the solver's clamp at 0 is
     * exercised); true maps are the shortest paths of the true terrain costs.
     */
    static void writeLoss(GoldenWriter w, Random rnd, String spec, int side, int batch) throws IOException {
        AlgorithmicLoss loss = Losses.parse(spec);
        PathKernel k = PathKernel.of(loss).orElseThrow();
        GridShape grid = new GridShape(side, side);
        int m = grid.cells();
        double[] y = new double[batch * m], truth = new double[batch * m];
        for (int b = 0; b < batch; b++) {
            double[] trueCosts = costs(rnd, m, "terrain");
            System.arraycopy(GridShortestPath.solve(grid, trueCosts), 0, truth, b * m, m);
            for (int i = 0; i < m; i++) y[b * m + i] = (float) (trueCosts[i] + 1.5 * rnd.nextGaussian());
        }
        Evaluation e = Batches.evaluate(loss, y, truth, batch, m, true);
        w.begin(spec.replace(':', '_').replace(',', '_').replace('=', '-') + "_" + grid)
                .scalar("family", "paths").scalar("path_family", k.family()).scalar("rows", side).scalar("cols", side)
                .scalar("samples", k.samples()).scalar("sigma", k.smoothing().sigma())
                .scalar("baseline", k.smoothing().baseline() ? 1 : 0).scalar("l2", k.l2() ? 1 : 0).scalar("batch", batch)
                .array("y", y).array("truth", truth).array("eps", CudaPaths.noise(k, batch, m))
                .array("loss", e.loss()).array("grad", e.grad()).array("hess", e.hess()).end();
    }
}
