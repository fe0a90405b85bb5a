package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.function.LongConsumer;
import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.linalg.SpectralOperator;
import org.newtonloss.linalg.SymmetricEigen;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;

/**
 * CPU-time (not wall-time) cost of the engine's kernels, for machines shared by many processes where JMH's wall
 * clock measures the neighbours: thread CPU time for the single-threaded per-system kernels, process CPU time
 * for the parallel engine step. Prints a Markdown table of microseconds of CPU per system (median of 5 rounds).
 * The matrices are {@link CholeskyBenchmark#rankingLike} (half PSD with C·1 = 0, half with one eigenvalue −0.5).
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> org.newtonloss.bench.EngineCpuTime [m ...]}
 */
public final class EngineCpuTime {
    private EngineCpuTime() {}

    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {5, 10, 16, 32, 64, 144};
        System.out.println("| m | Cholesky factor+solve (double) | (float) | SpectralOperator (decompose+apply) "
                + "| SymmetricEigen (with V) | engine step escalate | engine step spectral |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int m : sizes) {
            int batch = 256;
            Random rnd = new Random(1);
            double[] c = new double[batch * m * m];
            double[] g = new double[batch * m];
            for (int s = 0; s < batch; s++) {
                System.arraycopy(CholeskyBenchmark.rankingLike(rnd, m, s % 2 == 1), 0, c, s * m * m, m * m);
                for (int i = 0; i < m; i++) g[s * m + i] = rnd.nextGaussian();
            }
            double[] damped = c.clone();
            for (int s = 0; s < batch; s++) for (int i = 0; i < m; i++) damped[s * m * m + i * m + i] += 1.0;
            float[] dampedF = new float[damped.length];
            for (int k = 0; k < damped.length; k++) dampedF[k] = (float) damped[k];
            float[] gf = new float[g.length];
            for (int k = 0; k < g.length; k++) gf[k] = (float) g[k];
            double[] l = new double[m * m], x = new double[m];
            float[] lf = new float[m * m], xf = new float[m];
            double[] w = new double[m], v = new double[m * m], work = new double[SymmetricEigen.workSize(m)];
            double[] h = new double[m];
            SpectralOperator op = new SpectralOperator();
            NewtonEngine engine = new NewtonEngine();
            double[] y = new double[batch * m];
            NewtonOptions escalate = new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, 0.1);
            NewtonOptions spectral = new NewtonOptions(Curvature.HESSIAN, Safeguard.SPECTRAL, 0.1);
            double chol = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++)
                    for (int s = 0; s < batch; s++) {
                        BatchedCholesky.factor(damped, s * m * m, m, l, 0);
                        BatchedCholesky.solve(l, 0, m, g, s * m, x, 0);
                    }
            }, false);
            double cholF = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++)
                    for (int s = 0; s < batch; s++) {
                        BatchedCholesky.factor(dampedF, s * m * m, m, lf, 0);
                        BatchedCholesky.solve(lf, 0, m, gf, s * m, xf, 0);
                    }
            }, false);
            double spec = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++)
                    for (int s = 0; s < batch; s++) {
                        op.decompose(c, s * m * m, m);
                        for (int k = 0; k < m; k++) h[k] = 1 / Math.max(Math.abs(op.eigenvalue(k) + 0.1), 0.1);
                        op.apply(h, g, s * m, x, 0);
                    }
            }, false);
            double eig = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++)
                    for (int s = 0; s < batch; s++) SymmetricEigen.decompose(c, s * m * m, m, w, 0, v, 0, work);
            }, false);
            double stepEsc = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++) engine.step(escalate, y, g, c, batch, m);
            }, true);
            double stepSpec = perSystem(batch, reps -> {
                for (long r = 0; r < reps; r++) engine.step(spectral, y, g, c, batch, m);
            }, true);
            System.out.printf("| %d | %.3f | %.3f | %.2f | %.2f | %.3f | %.2f |%n", m, chol, cholF, spec, eig, stepEsc,
                    stepSpec);
        }
        System.out.println("(µs of CPU per system; engine steps: process CPU over all threads, batch 256)");
    }

    /** Median over 5 rounds of CPU µs per system, after a warm-up; each round runs for ≥ ~0.2 s of CPU. */
    private static double perSystem(int batch, LongConsumer run, boolean process) {
        long reps = 1;
        while (reps < 1 << 20) { // double until one round takes ≥ 0.2 s of CPU (process CPU time is coarse)
            long n = reps;
            if (cpu(process, () -> run.accept(n)) >= 200_000_000L) break;
            reps *= 2;
        }
        run.accept(reps); // warm-up
        double[] rounds = new double[5];
        for (int i = 0; i < rounds.length; i++) {
            long finalReps = reps;
            rounds[i] = cpu(process, () -> run.accept(finalReps)) / 1e3 / (finalReps * batch);
        }
        java.util.Arrays.sort(rounds);
        return rounds[2];
    }

    private static long cpu(boolean process, Runnable r) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        long t0 = process ? os.getProcessCpuTime() : threads.getCurrentThreadCpuTime();
        r.run();
        return (process ? os.getProcessCpuTime() : threads.getCurrentThreadCpuTime()) - t0;
    }
}
