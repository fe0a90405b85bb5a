package org.newtonloss.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
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

/** Exact grid solves per second on one thread (issue 3: ≥ 100,000 of 12×12 per core), 64 different grids per op. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class DijkstraBenchmark {
    static final int GRIDS = 64;

    @Param({"12", "30"})
    public int side;

    private GridShape grid;
    private double[] costs, path;

    @Setup
    public void setup() {
        grid = new GridShape(side, side);
        SplittableRandom rnd = new SplittableRandom(3);
        double[] terrain = {0.8, 1.2, 5.3, 7.7, 9.2};
        costs = new double[GRIDS * grid.cells()];
        for (int i = 0; i < costs.length; i++) costs[i] = terrain[rnd.nextInt(5)] + 0.1 * rnd.nextDouble();
        path = new double[grid.cells()];
    }

    @Benchmark
    @OperationsPerInvocation(GRIDS)
    public double solve() {
        double total = 0;
        for (int g = 0; g < GRIDS; g++) total += GridShortestPath.solve(grid, costs, g * grid.cells(), path, 0);
        return total;
    }
}
