package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
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
 * {@code lossGradient} (value + gradient), {@code newton} (value + gradient + exact Hessian, then the engine's
 * per-sample Newton step (H_i + λI)⁻¹g_i with λ = 0.1 and its default safeguard). Reported ops/s are samples/s (@OperationsPerInvocation = B).
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
    private double[] yd, td, gd;
    private float[] yf, tf, gf;
    private final NewtonEngine engine = new NewtonEngine();
    private final NewtonOptions options = NewtonOptions.of(Curvature.HESSIAN, LAMBDA);

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
        yf = new float[BATCH * n];
        tf = new float[BATCH * n];
        for (int i = 0; i < yd.length; i++) { yf[i] = (float) yd[i]; tf[i] = (float) td[i]; }
        gf = new float[BATCH * n];
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
            EvaluationF32 ev = Batches.evaluate(loss, yf, tf, BATCH, n, true);
            return engine.step(options, yf, ev.grad(), ev.hess(), BATCH, n).step()[0];
        }
        Evaluation ev = Batches.evaluate(loss, yd, td, BATCH, n, true);
        return engine.step(options, yd, ev.grad(), ev.hess(), BATCH, n).step()[0];
    }
}
