package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;
import org.newtonloss.ranking.DiffSortLoss;

/**
 * Companion of {@link DsnBenchmark} for machines shared with other jobs: the DSN part of its work (odd-even cauchy
 * DSN, float, loss + gradient + exact Hessian; the Newton step is the engine's and is not included) on one thread,
 * timed by that thread's CPU time, so that other processes competing for the cores do not count. Prints µs per sample (best of the repeats) and the
 * implied samples/s on 2 cores assuming the batch splits evenly over them (which {@code Batches} does).
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes org.newtonloss.bench.DsnCpuTime [seconds-per-n]}.
 */
public final class DsnCpuTime {
    private DsnCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        DiffSortLoss loss = new DiffSortLoss();
        int batch = DsnBenchmark.BATCH;
        for (int n : new int[] {5, 10, 16, 32, 64}) {
            Random r = new Random(42);
            float[] y = new float[batch * n], t = new float[batch * n], g = new float[batch * n];
            float[] h = new float[batch * n * n];
            for (int k = 0; k < y.length; k++) {
                y[k] = (float) r.nextGaussian();
                t[k] = (float) (y[k] + 0.5 * r.nextGaussian());
            }
            double best = Double.POSITIVE_INFINITY, bestGrad = Double.POSITIVE_INFINITY;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            do {
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) loss.evaluate(i, n, y, t, g, h);
                long c1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) loss.evaluate(i, n, y, t, g, null);
                long c2 = mx.getCurrentThreadCpuTime();
                best = Math.min(best, (c1 - c0) / 1e3 / batch);
                bestGrad = Math.min(bestGrad, (c2 - c1) / 1e3 / batch);
            } while (System.nanoTime() < end);
            System.out.printf(Locale.ROOT,
                    "n=%2d  hessian %9.2f us/sample (%,10.0f samples/s on 2 cores)   gradient %8.2f us/sample (%,10.0f)%n",
                    n, best, 2e6 / best, bestGrad, 2e6 / bestGrad);
        }
    }
}
