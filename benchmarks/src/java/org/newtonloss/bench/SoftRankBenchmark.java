package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
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
 * NeuralSort / SoftSort per-sample throughput on a batch of B = 256, all cores (Batches.forEachSample):
 * {@code lossGradient} (value + gradient), {@code newton} (value + gradient + exact Hessian + per-sample damped
 * Newton step). Reported ops/s are samples/s (@OperationsPerInvocation = B).
 *
 * <p>Run (after {@code mvn -o -q test-compile}):
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.openjdk.jmh.Main SoftRankBenchmark -p n=16}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SoftRankBenchmark {
    static final int BATCH = 256;
    static final double LAMBDA = 0.1;

    @Param({"5", "10", "16", "32", "64"})
    public int n;

    @Param({"neuralsort:tau=1", "softsort:tau=1,power=1"})
    public String spec;

    @Param({"float", "double"})
    public String precision;

    private AlgorithmicLoss loss;
    private double[] yd, td, gd, hd, stepD;
    private float[] yf, tf, gf, hf, stepF;
    private final ThreadLocal<double[]> scratch = ThreadLocal.withInitial(() -> new double[0]);

    @Setup(Level.Trial)
    public void setup() {
        loss = Losses.parse(spec);
        Random rnd = new Random(42);
        yd = new double[BATCH * n];
        td = new double[BATCH * n];
        for (int i = 0; i < yd.length; i++) {
            yd[i] = rnd.nextGaussian();
            td[i] = yd[i] + rnd.nextGaussian();
        }
        gd = new double[BATCH * n];
        hd = new double[BATCH * n * n];
        stepD = new double[BATCH * n];
        yf = new float[BATCH * n];
        tf = new float[BATCH * n];
        for (int i = 0; i < yd.length; i++) { yf[i] = (float) yd[i]; tf[i] = (float) td[i]; }
        gf = new float[BATCH * n];
        hf = new float[BATCH * n * n];
        stepF = new float[BATCH * n];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double lossGradient() {
        if (precision.equals("float")) {
            Batches.forEachSample(BATCH, n, i -> loss.evaluate(i, n, yf, tf, gf, null));
            return gf[0];
        }
        Batches.forEachSample(BATCH, n, i -> loss.evaluate(i, n, yd, td, gd, null));
        return gd[0];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double newton() {
        if (precision.equals("float")) {
            Batches.forEachSample(BATCH, n, i -> {
                loss.evaluate(i, n, yf, tf, gf, hf);
                double[] a = scratch(n);
                for (int k = 0; k < n * n; k++) a[k] = hf[i * n * n + k];
                for (int k = 0; k < n; k++) a[n * n + k] = gf[i * n + k];
                dampedSolve(a, n, LAMBDA);
                for (int k = 0; k < n; k++) stepF[i * n + k] = (float) a[n * n + k];
            });
            return stepF[0];
        }
        Batches.forEachSample(BATCH, n, i -> {
            loss.evaluate(i, n, yd, td, gd, hd);
            double[] a = scratch(n);
            System.arraycopy(hd, i * n * n, a, 0, n * n);
            System.arraycopy(gd, i * n, a, n * n, n);
            dampedSolve(a, n, LAMBDA);
            System.arraycopy(a, n * n, stepD, i * n, n);
        });
        return stepD[0];
    }

    private double[] scratch(int n) {
        double[] a = scratch.get();
        if (a.length < 2 * n * n + n) {
            a = new double[2 * n * n + n];
            scratch.set(a);
        }
        return a;
    }

    /**
     * Stand-in for the engine's batched solve (not on main yet): a[0..n²) = H, a[n²..n²+n) = g on entry and the
     * step (H + λI)⁻¹g on exit; λ escalates ×10 until the Cholesky succeeds. Same O(n³/3) work as the engine's.
     */
    static void dampedSolve(double[] a, int n, double lambda) {
        int l0 = n * n + n;
        for (double lam = lambda; ; lam *= 10) {
            if (cholesky(a, n, lam, l0)) break;
        }
        for (int i = 0; i < n; i++) {
            double s = a[n * n + i];
            for (int k = 0; k < i; k++) s -= a[l0 + i * n + k] * a[n * n + k];
            a[n * n + i] = s / a[l0 + i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = a[n * n + i];
            for (int k = i + 1; k < n; k++) s -= a[l0 + k * n + i] * a[n * n + k];
            a[n * n + i] = s / a[l0 + i * n + i];
        }
    }

    private static boolean cholesky(double[] a, int n, double lambda, int l0) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j] + (i == j ? lambda : 0);
                for (int k = 0; k < j; k++) s -= a[l0 + i * n + k] * a[l0 + j * n + k];
                if (i == j) {
                    if (!(s > 0)) return false;
                    a[l0 + i * n + i] = Math.sqrt(s);
                } else a[l0 + i * n + j] = s / a[l0 + j * n + j];
            }
        }
        return true;
    }
}
