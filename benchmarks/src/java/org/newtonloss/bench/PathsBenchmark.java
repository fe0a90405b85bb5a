package org.newtonloss.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
import org.newtonloss.spec.Losses;
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
 * Issue 3's path targets: batch B = 70 in float on all cores (through {@link Batches}), per-sample loss + gradient
 * (+ Hessian or its estimate when {@code mode=hessian}); scores are samples per second. {@code family} picks the
 * SPEC ({@code bf} = bellman-ford with 25 iterations, the others with S = 30 draws, σ = 0.1). Costs are
 * Warcraft-like (i.i.d. terrain costs plus noise); targets are the exact shortest paths of the clean costs.
 * {@link DijkstraBenchmark} measures the exact solver alone.
 *
 * <p>Run (see docs/paths.md): {@code mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * && java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.openjdk.jmh.Main PathsBenchmark -p side=12}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx3g"})
public class PathsBenchmark {
    static final int BATCH = 70;

    @Param({"12", "18", "24", "30"})
    public int side;

    @Param({"bf", "smooth-loss", "smooth-algorithm", "fenchel-young"})
    public String family;

    @Param({"hessian", "gradient"})
    public String mode;

    private AlgorithmicLoss loss;
    private float[] costs, paths;
    private GridShape grid;
    private int m;

    @Setup
    public void setup() {
        String spec = switch (family) {
            case "bf" -> "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic";
            default -> family + ":samples=30,sigma=0.1,seed=1";
        };
        loss = Losses.parse(spec);
        grid = new GridShape(side, side);
        m = grid.cells();
        double[] terrain = {0.8, 1.2, 5.3, 7.7, 9.2};
        SplittableRandom rnd = new SplittableRandom(42);
        double[] clean = new double[BATCH * m], p = new double[BATCH * m];
        for (int i = 0; i < clean.length; i++) clean[i] = terrain[rnd.nextInt(5)];
        GridShortestPath.solveBatch(grid, clean, p);
        costs = new float[clean.length];
        paths = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            costs[i] = (float) Math.max(0.05, clean[i] + rnd.nextGaussian());
            paths[i] = (float) p[i];
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public EvaluationF32 loss() {
        return Batches.evaluate(loss, costs, paths, BATCH, m, mode.equals("hessian"));
    }
}
