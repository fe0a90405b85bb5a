package org.newtonloss.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.InputKind;
import org.newtonloss.io.JsonIo;
import org.newtonloss.io.Numbers;
import org.newtonloss.io.OutJson;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CLI's JSON costs next to the computation: reading a ranking IN.json of {@code batch} samples of n = 16
 * (from memory, so the parser is measured, not the disk) and writing eval's OUT.json (loss, gradient and the
 * batch·16·16 Hessian entries, full double precision) to a temporary file.
 *
 * <p>Run: {@code mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt && java -cp
 * "target/test-classes:target/classes:$(cat cp.txt)" org.openjdk.jmh.Main JsonIoBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class JsonIoBenchmark {
    static final int N = 16;

    @Param({"256", "4096"})
    public int batch;

    private byte[] input;
    private double[] loss, grad, hess;
    private Path dir;

    @Setup
    public void setup() throws IOException {
        SplittableRandom rnd = new SplittableRandom(1);
        StringBuilder s = new StringBuilder("{\"scores\": [");
        StringBuilder t = new StringBuilder(", \"targets\": [");
        for (int i = 0; i < batch; i++) {
            s.append(i == 0 ? "[" : ",[");
            t.append(i == 0 ? "[" : ",[");
            for (int k = 0; k < N; k++) {
                s.append(k == 0 ? "" : ",").append(rnd.nextGaussian());
                t.append(k == 0 ? "" : ",").append(rnd.nextInt(100));
            }
            s.append(']');
            t.append(']');
        }
        input = s.append(']').append(t).append("]}").toString().getBytes(StandardCharsets.UTF_8);
        loss = rnd.doubles(batch).toArray();
        grad = rnd.doubles((long) batch * N).toArray();
        hess = rnd.doubles((long) batch * N * N).toArray();
        dir = Files.createTempDirectory("jsonio-bench");
    }

    @TearDown
    public void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public BatchInput readInput() throws IOException {
        return JsonIo.read(new ByteArrayInputStream(input), "IN.json", InputKind.RANKING);
    }

    @Benchmark
    public void writeEvalOutput() throws IOException {
        try (OutJson out = OutJson.open(dir.resolve("out.json"))) {
            out.vector("loss", Numbers.of(loss)).matrix("gradient", Numbers.of(grad), batch, N)
                    .matrices("hessian", Numbers.of(hess), batch, N);
            out.commit();
        }
    }
}
