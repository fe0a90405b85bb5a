package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;

/**
 * Where the time of issue 2's benchmark (float, B = 256, exact Hessian + escalate Newton step, λ = 1) goes, by
 * phase, in process CPU time (all threads, so the cost of spreading a batch over the cores counts; other processes
 * do not): the per-sample kernel alone on one thread, {@code Batches.evaluate}, the engine's step on that
 * evaluation, and the backend's whole Newton step. Prints µs of CPU per sample (best round) and the samples/s two
 * fully used cores would give at that cost (an upper bound for the wall-clock {@code bench}). With
 * {@code -XX:ActiveProcessorCount=1} every phase runs on one thread (the single-core cost). On a loaded machine the
 * JIT compiles late: name a case twice and read the second row.
 *
 * <p>Run (after {@code mvn package}, which fills target/lib): {@code java -XX:ActiveProcessorCount=1
 * -cp "target/test-classes:target/classes:target/lib/*" org.newtonloss.bench.RankingPhaseCpuTime [seconds] [spec:n ...]}
 */
public final class RankingPhaseCpuTime {
    private RankingPhaseCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        String[] cases = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {
                "dsn:network=odd_even,sigmoid=cauchy,steepness=10:5", "dsn:network=odd_even,sigmoid=cauchy,steepness=10:10",
                "dsn:network=odd_even,sigmoid=cauchy,steepness=10:16", "neuralsort:tau=1:16", "softsort:tau=1,power=1:16"};
        int batch = 256;
        NewtonOptions options = new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, 1);
        NewtonEngine engine = new NewtonEngine();
        CpuBackend backend = CpuBackend.instance();
        System.out.println("| loss | n | kernel | Batches.evaluate | engine.step | backend.newton | (µs CPU per sample, 2-core samples/s of newton) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String c : cases) {
            int colon = c.lastIndexOf(':');
            AlgorithmicLoss loss = Losses.parse(c.substring(0, colon));
            int n = Integer.parseInt(c.substring(colon + 1));
            Random r = new Random(1);
            float[] y = new float[batch * n], t = new float[batch * n], g = new float[batch * n];
            float[] h = new float[batch * n * n];
            for (int k = 0; k < y.length; k++) {
                y[k] = (float) r.nextGaussian();
                t[k] = (float) r.nextGaussian();
            }
            EvaluationF32 ev = Batches.evaluate(loss, y, t, batch, n, true);
            double kernel = perSample(seconds, batch, () -> { for (int i = 0; i < batch; i++) loss.evaluate(i, n, y, t, g, h); });
            double batches = perSample(seconds, batch, () -> Batches.evaluate(loss, y, t, batch, n, true));
            double step = perSample(seconds, batch, () -> engine.step(options, y, ev.grad(), ev.hess(), batch, n));
            double full = perSample(seconds, batch, () -> backend.newton(loss, options, y, t, batch, n));
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %,.0f |%n", loss.spec(), n, kernel,
                    batches, step, full, 2e6 / full);
        }
    }

    private static double perSample(double seconds, int batch, Runnable op) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long end = System.nanoTime() + (long) (seconds * 0.5e9);
        int reps = 0;
        long w0 = os.getProcessCpuTime();
        while (System.nanoTime() < end) { // warm-up, and count calls per ~0.2 s of CPU (the clock ticks coarsely)
            op.run();
            reps++;
        }
        long warmCpu = Math.max(1, os.getProcessCpuTime() - w0);
        reps = (int) Math.max(1, Math.min(1_000_000, reps * 2e8 / warmCpu));
        double best = Double.POSITIVE_INFINITY;
        end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long c0 = os.getProcessCpuTime();
            for (int rep = 0; rep < reps; rep++) op.run();
            best = Math.min(best, (os.getProcessCpuTime() - c0) / 1e3 / ((double) reps * batch));
        } while (System.nanoTime() < end);
        return best;
    }
}
