package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.spec.Losses;

/**
 * Process CPU time (all threads) per sample of the same pipeline as {@link SoftRankBenchmark#newton}: float,
 * B = 256, loss + gradient + exact Hessian + the engine's per-sample Newton step (λ = 0.1). On a shared,
 * overloaded machine wall-clock throughput mostly measures the other tenants; CPU time per sample is what the
 * code costs (an idle k-core machine would reach about k / cpu-time samples/s). Not a unit test.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> org.newtonloss.bench.SoftRankCpuTime [seconds]}
 */
public final class SoftRankCpuTime {
    private SoftRankCpuTime() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        NewtonEngine engine = new NewtonEngine();
        NewtonOptions options = NewtonOptions.of(Curvature.HESSIAN, 0.1);
        int batch = 256;
        System.out.printf("%-24s %4s %14s %14s%n", "loss", "n", "cpu us/sample", "(loss+grad)");
        for (String spec : new String[] {"neuralsort:tau=1", "softsort:tau=1,power=1", "softsort:tau=1,power=2"}) {
            AlgorithmicLoss loss = Losses.parse(spec);
            for (int n : new int[] {5, 10, 16, 32, 64}) {
                Random rnd = new Random(42);
                float[] y = new float[batch * n], t = new float[batch * n];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) rnd.nextGaussian();
                    t[i] = y[i] + (float) rnd.nextGaussian();
                }
                double full = 0, lossOnly = 0;
                for (int round = 0; round < 2; round++) { // the first round warms up
                    full = cpuPerSample(os, seconds, batch, () -> {
                        EvaluationF32 ev = Batches.evaluate(loss, y, t, batch, n, true);
                        engine.step(options, y, ev.grad(), ev.hess(), batch, n);
                    });
                    lossOnly = cpuPerSample(os, seconds / 2, batch, () -> Batches.evaluate(loss, y, t, batch, n, false));
                }
                System.out.printf("%-24s %4d %14.3f %14.3f%n", spec, n, full, lossOnly);
            }
        }
    }

    private static double cpuPerSample(com.sun.management.OperatingSystemMXBean os, double seconds, int batch,
                                       Runnable body) {
        long wallEnd = System.nanoTime() + (long) (seconds * 1e9);
        long c0 = os.getProcessCpuTime();
        long batches = 0;
        while (System.nanoTime() < wallEnd || batches < 3) {
            body.run();
            batches++;
        }
        return (os.getProcessCpuTime() - c0) / 1e3 / (batches * batch);
    }
}
