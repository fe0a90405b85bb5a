package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.Batches;
import org.newtonloss.ranking.DiffSortLoss;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Issue 2's DSN target: odd-even cauchy DSN (steepness 10), batch B = 256 on all cores, loss + gradient (+ exact
 * Hessian + per-sample Newton step when {@code mode=hessian}). Scores are reported per sample (ops/s = samples/s).
 * The Newton step here is a plain per-sample Cholesky of H + λI (λ = 0.1, ×10 until it factors), standing in for
 * the engine's batched solver so that the DSN benchmark is self-contained.
 *
 * <p>Run: {@code mvn -o -q test-compile && java -cp target/test-classes:target/classes:$(cat target/classpath.txt)
 * org.openjdk.jmh.Main DsnBenchmark} (see docs/ranking-dsn.md for the exact command and results).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DsnBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class DsnBenchmark {
    static final int BATCH = 256;
    private static final double LAMBDA = 0.1;

    @Param({"5", "10", "16", "32", "64"})
    public int n;

    @Param({"float", "double"})
    public String precision;

    @Param({"hessian", "gradient"})
    public String mode;

    private final DiffSortLoss loss = new DiffSortLoss();
    private float[] yf, tf, gf, hf, stepF;
    private double[] yd, td, gd, hd, stepD;

    @Setup
    public void setup() {
        Random r = new Random(42);
        yf = new float[BATCH * n];
        tf = new float[BATCH * n];
        yd = new double[BATCH * n];
        td = new double[BATCH * n];
        for (int k = 0; k < yf.length; k++) {
            yd[k] = yf[k] = (float) r.nextGaussian();
            td[k] = tf[k] = (float) (yf[k] + 0.5 * r.nextGaussian());
        }
        boolean hessian = mode.equals("hessian");
        gf = new float[BATCH * n];
        gd = new double[BATCH * n];
        hf = hessian ? new float[BATCH * n * n] : null;
        hd = hessian ? new double[BATCH * n * n] : null;
        stepF = new float[BATCH * n];
        stepD = new double[BATCH * n];
    }

    @Benchmark
    public Object batch() {
        boolean hessian = hf != null;
        if (precision.equals("float")) {
            Batches.forEachSample(BATCH, n, i -> {
                loss.evaluate(i, n, yf, tf, gf, hf);
                if (hessian) newtonStep(hf, gf, stepF, i, n);
            });
            return stepF;
        }
        Batches.forEachSample(BATCH, n, i -> {
            loss.evaluate(i, n, yd, td, gd, hd);
            if (hessian) newtonStep(hd, gd, stepD, i, n);
        });
        return stepD;
    }

    /** (H_i + λI)⁻¹ g_i by Cholesky in double, λ escalated ×10 until H + λI factors; in-place in a local copy. */
    static void newtonStep(float[] h, float[] g, float[] out, int i, int n) {
        double[] a = new double[n * n], b = new double[n];
        for (int k = 0; k < n * n; k++) a[k] = h[i * n * n + k];
        for (int k = 0; k < n; k++) b[k] = g[i * n + k];
        solve(a, b, n);
        for (int k = 0; k < n; k++) out[i * n + k] = (float) b[k];
    }

    static void newtonStep(double[] h, double[] g, double[] out, int i, int n) {
        double[] a = java.util.Arrays.copyOfRange(h, i * n * n, (i + 1) * n * n);
        double[] b = java.util.Arrays.copyOfRange(g, i * n, (i + 1) * n);
        solve(a, b, n);
        System.arraycopy(b, 0, out, i * n, n);
    }

    private static void solve(double[] a, double[] b, int n) {
        double[] l = new double[n * n];
        for (double lambda = LAMBDA; ; lambda *= 10) {
            if (factor(a, l, n, lambda)) break;
        }
        for (int r = 0; r < n; r++) {
            double s = b[r];
            for (int k = 0; k < r; k++) s -= l[r * n + k] * b[k];
            b[r] = s / l[r * n + r];
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= l[k * n + r] * b[k];
            b[r] = s / l[r * n + r];
        }
    }

    private static boolean factor(double[] a, double[] l, int n, double lambda) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c <= r; c++) {
                double s = a[r * n + c] + (r == c ? lambda : 0);
                for (int k = 0; k < c; k++) s -= l[r * n + k] * l[c * n + k];
                if (r == c) {
                    if (!(s > 0)) return false;
                    l[r * n + r] = Math.sqrt(s);
                } else {
                    l[r * n + c] = s / l[c * n + c];
                }
            }
        }
        return true;
    }
}
