package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.ranking.RankingGaussNewton;
import org.newtonloss.spec.Losses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-sample cost of the curvatures of a ranking loss, one thread, double: {@code lossGradient} (value +
 * gradient), {@code hessian} (value + gradient + exact Hessian) and {@code gaussNewton} (value + gradient +
 * Gauss-Newton matrix). Issue 6 asks for Gauss-Newton ≤ 2× the Hessian's cost. One operation = one sample of a
 * batch of 64 random samples (scores N(0,1), targets = scores + N(0,1) noise).
 *
 * <p>Run (see docs/gauss-newton.md): {@code mvn -o -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=cp.txt && java -cp "target/test-classes:target/classes:$(cat cp.txt)" org.openjdk.jmh.Main
 * GaussNewtonBenchmark}. On a shared, overloaded machine wall-clock time mostly measures the other tenants;
 * {@link #main} measures the same three operations in thread CPU time (median of 7 alternating rounds):
 * {@code java -cp ... org.newtonloss.bench.GaussNewtonBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class GaussNewtonBenchmark {
    static final int BATCH = 64;

    @Param({"5", "10", "16", "32"})
    public int n;

    @Param({"dsn:network=odd_even,sigmoid=cauchy,steepness=10", "neuralsort:tau=1", "softsort:tau=1,power=1"})
    public String spec;

    private AlgorithmicLoss loss;
    private RankingGaussNewton gaussNewton;
    private double[] y, t, g, c;

    @Setup(Level.Trial)
    public void setup() {
        loss = Losses.parse(spec);
        gaussNewton = RankingGaussNewton.of(loss);
        Random rnd = new Random(42);
        y = new double[BATCH * n];
        t = new double[BATCH * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextGaussian();
            t[i] = y[i] + rnd.nextGaussian();
        }
        g = new double[BATCH * n];
        c = new double[BATCH * n * n];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double lossGradient() {
        double s = 0;
        for (int i = 0; i < BATCH; i++) s += loss.evaluate(i, n, y, t, g, null);
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double hessian() {
        double s = 0;
        for (int i = 0; i < BATCH; i++) s += loss.evaluate(i, n, y, t, g, c);
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double gaussNewton() {
        double s = 0;
        for (int i = 0; i < BATCH; i++) s += gaussNewton.evaluate(i, n, y, t, g, c);
        return s;
    }

    /** Thread CPU time per sample of lossGradient, hessian and gaussNewton, median of 7 alternating rounds. */
    public static void main(String[] args) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.printf("%-52s %3s %10s %10s %10s %6s%n", "spec", "n", "loss+grad", "hessian", "gn", "gn/H");
        for (String spec : new String[] {"dsn:network=odd_even,sigmoid=cauchy,steepness=10", "neuralsort:tau=1",
                "softsort:tau=1,power=1"}) {
            for (int n : new int[] {5, 10, 16, 32}) {
                GaussNewtonBenchmark b = new GaussNewtonBenchmark();
                b.n = n;
                b.spec = spec;
                b.setup();
                int reps = Math.max(2, 20_000 / (n * n));
                double[][] times = new double[3][7];
                for (int round = -2; round < 7; round++) { // two warm-up rounds
                    for (int op = 0; op < 3; op++) {
                        long t0 = mx.getCurrentThreadCpuTime();
                        for (int r = 0; r < reps; r++) {
                            if (op == 0) b.lossGradient();
                            else if (op == 1) b.hessian();
                            else b.gaussNewton();
                        }
                        double us = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / ((double) reps * BATCH);
                        if (round >= 0) times[op][round] = us;
                    }
                }
                for (double[] t : times) java.util.Arrays.sort(t);
                System.out.printf("%-52s %3d %10.2f %10.2f %10.2f %6.2f%n", spec, n, times[0][3], times[1][3],
                        times[2][3], times[2][3] / times[1][3]);
            }
        }
    }
}
