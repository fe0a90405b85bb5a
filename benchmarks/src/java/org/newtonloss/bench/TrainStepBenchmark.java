package org.newtonloss.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.newtonloss.data.DigitImages;
import org.newtonloss.data.FourDigitSets;
import org.newtonloss.data.ItemBatch;
import org.newtonloss.dl4j.NewtonRankingLoss;
import org.newtonloss.train.RankingCnn;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the paper's CNN on {@code sets} sets of n four-digit items (forward + backward + Adam), the
 * DL4J counterpart of PyTorch's ~0.20 s for 20 sets × n = 5 on this machine; and the data pipeline alone.
 * Digits are synthetic (the step time does not depend on pixel values), so the benchmark needs no data files.
 * Run with benchmarks/step-time.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TrainStepBenchmark {
    @Param({"mse"}) public String loss;
    @Param({"none"}) public String curvature;
    @Param({"1"}) public double lambda;
    @Param({"5"}) public int n;
    @Param({"20"}) public int sets;
    @Param({"NCHW"}) public String layout;
    @Param({"ENABLED"}) public String workspace;

    private MultiLayerNetwork net;
    private FourDigitSets composer;
    private DataSet batch;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        int count = 1000;
        float[] px = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < px.length; i++) px[i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextDouble();
        for (int i = 0; i < count; i++) labels[i] = (byte) (i % 10);
        composer = new FourDigitSets(new DigitImages(count, px, labels));
        CNN2DFormat format = CNN2DFormat.valueOf(layout);
        net = RankingCnn.create(new NewtonRankingLoss(loss, curvature, lambda, n), Math.pow(10, -3.5), 1, format,
                WorkspaceMode.valueOf(workspace));
        batch = toDataSet(composer.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, 0), sets, n), format);
    }

    static DataSet toDataSet(ItemBatch b, CNN2DFormat format) {
        INDArray f = Nd4j.create(b.features(), RankingCnn.inputShape(b.items(), format));
        INDArray l = Nd4j.create(b.values(), new long[] {b.items(), 1});
        return new DataSet(f, l);
    }

    /** forward + backward + Adam on a fixed batch. */
    @Benchmark
    public MultiLayerNetwork trainStep() {
        net.fit(batch);
        return net;
    }

    /** Drawing and composing one batch and wrapping it as ND4J arrays (the data pipeline of a step). */
    @Benchmark
    public DataSet composeBatch() {
        return toDataSet(composer.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, ++step), sets, n), CNN2DFormat.valueOf(layout));
    }
}
