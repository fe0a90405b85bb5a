package org.newtonloss.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.newtonloss.data.DigitImages;
import org.newtonloss.data.FourDigitSets;
import org.newtonloss.data.ItemBatch;
import org.newtonloss.dl4j.NewtonRankingLoss;
import org.newtonloss.dl4j.NewtonSettings;
import org.newtonloss.dl4j.SetGradients;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.spec.Losses;
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
 * Run with benchmarks/step-time.sh. {@link TrainStepProbe} splits a step into forward / backward / update and reports
 * CPU time next to wall time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TrainStepBenchmark {
    @Param({"neuralsort:tau=1"}) public String loss;
    @Param({"none"}) public String curvature;
    @Param({"1"}) public double lambda;
    @Param({"5"}) public int n;
    @Param({"20"}) public int sets;
    @Param({"NHWC"}) public String layout;
    @Param({"ENABLED"}) public String workspace;
    @Param({"NATIVE"}) public String helpers;
    /** The built network (ReLU after each max-pool) or, false, the paper's written order conv → ReLU → pool. */
    @Param({"true"}) public boolean reluAfterPool;

    private MultiLayerNetwork net;
    private FourDigitSets composer;
    private DataSet batch;
    private long step;
    private AlgorithmicLoss parsedLoss;
    private NewtonSettings settings;
    private double[] scores, truth;

    @Setup(Level.Trial)
    public void setUp() {
        composer = new FourDigitSets(syntheticDigits());
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        CNN2DFormat format = CNN2DFormat.valueOf(layout);
        net = new MultiLayerNetwork(RankingCnn.paper(new NewtonRankingLoss(loss, curvature, lambda, n), Math.pow(10, -3.5), 1, format,
                WorkspaceMode.valueOf(workspace), reluAfterPool));
        net.init();
        if (helpers.equals("NATIVE")) RankingCnn.useNativeHelpers(net);
        parsedLoss = Losses.parse(loss);
        settings = new NewtonSettings(NewtonSettings.Kind.parse(curvature), lambda, "escalate");
        scores = new double[sets * n];
        truth = new double[sets * n];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = r.nextGaussian();
            truth[i] = r.nextInt(10_000);
        }
        batch = toDataSet(composer.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, 0), sets, n), format);
    }

    /** 1,000 synthetic digit images (80 % zero pixels, like MNIST's background) with labels 0..9. */
    static DigitImages syntheticDigits() {
        int count = 1000;
        float[] px = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < px.length; i++) px[i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextDouble();
        for (int i = 0; i < count; i++) labels[i] = (byte) (i % 10);
        return new DigitImages(count, px, labels);
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

    /**
     * The loss adapter's own work per step (relaxation, and with a curvature the Hessians and the Newton solve) on
     * fixed scores of {@code sets × n} items: the Newton-loss overhead, measured directly rather than as the
     * difference of two noisy step times.
     */
    @Benchmark
    public SetGradients lossAndNewtonStep() {
        return SetGradients.compute(parsedLoss, scores, truth, n, settings);
    }

    /** Drawing and composing one batch and wrapping it as ND4J arrays (the data pipeline of a step). */
    @Benchmark
    public DataSet composeBatch() {
        return toDataSet(composer.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, ++step), sets, n), CNN2DFormat.valueOf(layout));
    }
}
