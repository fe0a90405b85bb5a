package org.newtonloss.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.Batches;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
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
 * The Newton step is the project's {@link NewtonEngine} (per-sample Hessian, λ = 0.1, default safeguard).
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
    private static final NewtonOptions NEWTON = NewtonOptions.of(Curvature.HESSIAN, 0.1);

    @Param({"5", "10", "16", "32", "64"})
    public int n;

    @Param({"float", "double"})
    public String precision;

    @Param({"hessian", "gradient"})
    public String mode;

    private final DiffSortLoss loss = new DiffSortLoss();
    private final NewtonEngine engine = new NewtonEngine();
    private float[] yf, tf, gf, hf;
    private double[] yd, td, gd, hd;

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
    }

    @Benchmark
    public Object batch() {
        boolean hessian = hf != null;
        if (precision.equals("float")) {
            Batches.forEachSample(BATCH, n, i -> loss.evaluate(i, n, yf, tf, gf, hf));
            return hessian ? engine.step(NEWTON, yf, gf, hf, BATCH, n) : gf;
        }
        Batches.forEachSample(BATCH, n, i -> loss.evaluate(i, n, yd, td, gd, hd));
        return hessian ? engine.step(NEWTON, yd, gd, hd, BATCH, n) : gd;
    }
}
