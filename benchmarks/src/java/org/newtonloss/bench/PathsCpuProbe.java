package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import java.util.Arrays;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
import org.newtonloss.paths.ReferenceGridShortestPath;
import org.newtonloss.spec.Losses;

/**
 * Throughput per CPU-second of one thread (ThreadMXBean CPU time, not wall time), for machines so loaded that
 * wall-clock JMH scores mostly measure the neighbours: exact solves of K×K grids, per-sample float
 * loss + gradient + Hessian for each path family (B = 70 samples cycled), and, in double, the exact Hessian
 * against the Gauss-Newton matrix (issue 6: GN ≤ 2× the Hessian's cost), median of 3 alternating rounds each.
 * Prints one line per item.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.newtonloss.bench.PathsCpuProbe [side] [seconds] [dijkstra|gauss-newton]}
 */
public final class PathsCpuProbe {
    private PathsCpuProbe() {}

    public static void main(String[] args) {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        GridShape grid = new GridShape(side, side);
        int m = grid.cells(), batch = 70;
        double[] terrain = {0.8, 1.2, 5.3, 7.7, 9.2};
        SplittableRandom rnd = new SplittableRandom(42);
        double[] clean = new double[batch * m], paths = new double[batch * m];
        for (int i = 0; i < clean.length; i++) clean[i] = terrain[rnd.nextInt(5)];
        GridShortestPath.solveBatch(grid, clean, paths);
        float[] costs = new float[clean.length], pf = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            costs[i] = (float) Math.max(0.05, clean[i] + rnd.nextGaussian());
            pf[i] = (float) paths[i];
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] path = new double[m];
        // the solver and the first (binary-heap) solver kept in the tests, in alternating rounds; median of 3
        double[][] rates = new double[2][4];
        for (int round = 0; round < 4; round++) // round 0 warms up
            for (int solver = 0; solver < 2; solver++) {
                long t0 = mx.getCurrentThreadCpuTime();
                long n = 0;
                // the CPU clock is read once per 64 solves: one read costs about as much as a 12×12 solve
                while (mx.getCurrentThreadCpuTime() - t0 < seconds * 1e9) {
                    for (int k = 0; k < 64; k++, n++) {
                        int offset = (int) (n % batch) * m;
                        if (solver == 0) GridShortestPath.solve(grid, clean, offset, path, 0);
                        else ReferenceGridShortestPath.solve(grid, clean, offset, path, 0);
                    }
                }
                rates[solver][round] = n / ((mx.getCurrentThreadCpuTime() - t0) / 1e9);
            }
        System.out.printf("dijkstra %dx%d: %.0f solves per CPU-second (first solver: %.0f)%n", side, side,
                median3(rates[0]), median3(rates[1]));
        if (args.length > 2 && args[2].equals("dijkstra")) return;
        String[] specs = {"bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic",
                "smooth-loss:samples=30,sigma=0.1,seed=1", "smooth-algorithm:samples=30,sigma=0.1,seed=1",
                "fenchel-young:samples=30,sigma=0.1,seed=1"};
        if (args.length > 2 && args[2].equals("gauss-newton")) { // only the Hessian vs Gauss-Newton comparison
            gaussNewtonAgainstHessian(side, seconds, specs, batch, costs, pf);
            return;
        }
        float[] g = new float[batch * m];
        float[] h = new float[batch * m * m];
        for (String spec : specs) {
            AlgorithmicLoss loss = Losses.parse(spec);
            for (boolean hessian : new boolean[] {true, false}) {
                if (spec.startsWith("bellman") && hessian && side > 18) continue; // O(m²) memory per thread
                for (int round = 0; round < 2; round++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    long n = 0;
                    while (mx.getCurrentThreadCpuTime() - t0 < seconds * 1e9) {
                        loss.evaluate((int) (n % batch), m, costs, pf, g, hessian ? h : null);
                        n++;
                    }
                    if (round == 1) System.out.printf("%s %dx%d %s: %.1f samples per CPU-second%n", spec, side, side,
                            hessian ? "loss+gradient+Hessian" : "loss+gradient", n / ((mx.getCurrentThreadCpuTime() - t0) / 1e9));
                }
            }
        }
        gaussNewtonAgainstHessian(side, seconds, specs, batch, costs, pf);
    }

    /** µs per sample in double: exact Hessian vs Gauss-Newton, alternating rounds, median of 3 each. */
    static void gaussNewtonAgainstHessian(int side, double seconds, String[] specs, int batch, float[] costs, float[] paths) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int m = side * side;
        double[] y = new double[costs.length], t = new double[costs.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = costs[i];
            t[i] = paths[i];
        }
        double[] g = new double[batch * m], h = new double[batch * m * m];
        for (String spec : specs) {
            AlgorithmicLoss loss = Losses.parse(spec);
            if (!(loss instanceof GaussNewtonLoss gn)) continue;
            if (spec.startsWith("bellman") && side > 18) continue;
            double[][] us = new double[2][4];
            for (int round = 0; round < 4; round++) // round 0 warms up
                for (int mode = 0; mode < 2; mode++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    long n = 0;
                    while (mx.getCurrentThreadCpuTime() - t0 < seconds * 1e9) {
                        int sample = (int) (n % batch);
                        if (mode == 0) loss.evaluate(sample, m, y, t, g, h);
                        else gn.evaluateGaussNewton(sample, m, y, t, g, h);
                        n++;
                    }
                    us[mode][round] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / n;
                }
            double hessian = median3(us[0]), gaussNewton = median3(us[1]);
            System.out.printf("%s %dx%d double: Hessian %.1f us, Gauss-Newton %.1f us per sample (GN/H = %.2f)%n", spec,
                    side, side, hessian, gaussNewton, gaussNewton / hessian);
        }
    }

    private static double median3(double[] rounds) {
        double[] r = Arrays.copyOfRange(rounds, 1, 4);
        Arrays.sort(r);
        return r[1];
    }
}
