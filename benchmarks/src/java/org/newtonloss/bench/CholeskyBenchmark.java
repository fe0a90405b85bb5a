package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.linalg.BatchedCholesky;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batched damped solves (the per-sample Newton step) for a batch of 256 systems: the bare Cholesky
 * factor + solve, and the engine's full step with the escalate or spectral safeguard. The matrices are
 * ranking-like: symmetric, H·1 = 0, with a negative eigenvalue in every other system (so escalate escalates
 * and spectral modifies there). One operation = one batch; systems/s = 256 / (time per op).
 *
 * <p>Run: {@code mvn -o -q test-compile && java -cp "target/test-classes:target/classes:$(cat cp.txt)"
 * org.openjdk.jmh.Main CholeskyBenchmark} (see docs/newton-engine.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CholeskyBenchmark {
    @Param({"5", "10", "16", "32", "64", "144"})
    public int m;

    @Param({"256"})
    public int batch;

    @Param({"double", "float"})
    public String precision;

    @Param({"escalate", "spectral"})
    public String safeguard;

    private double[] a, damped, b, l, x, y;
    private float[] dampedF, af, bf, lf, xf, yf;
    private int[] info;
    private final NewtonEngine engine = new NewtonEngine();
    private NewtonOptions options;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        a = new double[batch * m * m];
        b = new double[batch * m];
        for (int s = 0; s < batch; s++) {
            double[] c = rankingLike(rnd, m, s % 2 == 1);
            System.arraycopy(c, 0, a, s * m * m, m * m);
            for (int i = 0; i < m; i++) b[s * m + i] = rnd.nextGaussian();
        }
        // the bare Cholesky benchmark factors A + 0.1·I: PD for the PSD half, failing for the other half (as
        // escalate's first try does)
        damped = a.clone();
        for (int s = 0; s < batch; s++) for (int i = 0; i < m; i++) damped[s * m * m + i * m + i] += 0.1;
        dampedF = new float[a.length];
        for (int k = 0; k < a.length; k++) dampedF[k] = (float) damped[k];
        l = new double[a.length];
        x = new double[b.length];
        y = new double[b.length];
        af = new float[a.length];
        bf = new float[b.length];
        lf = new float[a.length];
        xf = new float[b.length];
        yf = new float[b.length];
        for (int k = 0; k < a.length; k++) af[k] = (float) a[k];
        for (int k = 0; k < b.length; k++) bf[k] = (float) b[k];
        info = new int[batch];
        options = new NewtonOptions(Curvature.HESSIAN, Safeguard.parse(safeguard), 0.1);
    }

    /** Q diag(μ) Qᵀ with μ = 0 along 1/√m and the others in [0.05, 2] (or one of them −0.5 when indefinite). */
    public static double[] rankingLike(Random rnd, int m, boolean indefinite) {
        double[] q = new double[m * m];
        for (int k = 0; k < q.length; k++) q[k] = rnd.nextGaussian();
        for (int i = 0; i < m; i++) q[i * m] = 1; // first column ∝ 1
        for (int j = 0; j < m; j++) { // Gram-Schmidt on columns
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += q[i * m + j] * q[i * m + p];
                for (int i = 0; i < m; i++) q[i * m + j] -= dot * q[i * m + p];
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += q[i * m + j] * q[i * m + j];
            for (int i = 0; i < m; i++) q[i * m + j] /= Math.sqrt(norm);
        }
        double[] mu = new double[m];
        for (int k = 1; k < m; k++) mu[k] = 0.05 + 1.95 * rnd.nextDouble();
        if (indefinite && m > 1) mu[1] = -0.5;
        double[] c = new double[m * m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) s += q[i * m + k] * mu[k] * q[j * m + k];
                c[i * m + j] = s;
            }
        return c;
    }

    /** Factor + solve of the whole batch (no safeguard: the bare kernel). */
    @Benchmark
    public Object choleskyFactorSolve() {
        if (precision.equals("double")) {
            BatchedCholesky.factor(damped, batch, m, l, info);
            BatchedCholesky.solve(l, info, b, batch, m, x);
            return x;
        }
        BatchedCholesky.factor(dampedF, batch, m, lf, info);
        BatchedCholesky.solve(lf, info, bf, batch, m, xf);
        return xf;
    }

    /** The engine's per-sample Newton step with the safeguard (status, λ, stats, z* included). */
    @Benchmark
    public Object newtonStep() {
        if (precision.equals("double")) return engine.step(options, y, b, a, batch, m);
        return engine.step(options, yf, bf, af, batch, m);
    }
}
