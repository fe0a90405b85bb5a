package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.newtonloss.data.DigitImages;
import org.newtonloss.data.FourDigitSets;
import org.newtonloss.dl4j.NewtonRankingLoss;
import org.newtonloss.train.RankingCnn;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Companion of {@link TrainStepBenchmark} for a shared machine: where a training step's time goes, with the
 * process CPU time next to the wall time (other processes' load inflates wall time, not this process's CPU time).
 * Per configuration it times, on the same fixed batch, inference forward ({@code output}), forward + backward
 * ({@code computeGradientAndScore}, no update) and the full step ({@code fit}: forward + backward + Adam), and
 * prints the median over the rounds.
 *
 * <p>Run: {@code benchmarks/step-time.sh CLASSIFIER --probe [rounds] [config...]} where a config is
 * {@code helpers/layout/workspace/curvature}, e.g. {@code NATIVE/NCHW/ENABLED/none} (the default).
 */
public final class TrainStepProbe {
    private TrainStepProbe() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String[] configs = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"NATIVE/NCHW/ENABLED/none"};
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, load %.2f, %d rounds, 20 sets x n=5 (100 images), median wall / CPU ms%n",
                System.getenv("OMP_NUM_THREADS"), os.getSystemLoadAverage(), rounds);
        for (String config : configs) {
            String[] p = config.split("/");
            CNN2DFormat layout = CNN2DFormat.valueOf(p[1]);
            var lossFn = new NewtonRankingLoss("neuralsort:tau=1", p[3], 1, 5);
            MultiLayerNetwork net = p.length > 4 && p[4].equals("POOLRELU") ? poolRelu(lossFn, layout, WorkspaceMode.valueOf(p[2]))
                    : RankingCnn.create(lossFn, Math.pow(10, -3.5), 1, layout, WorkspaceMode.valueOf(p[2]));
            if (p[0].equals("NATIVE")) RankingCnn.useNativeHelpers(net);
            DataSet batch = TrainStepBenchmark.toDataSet(new FourDigitSets(syntheticDigits()).draw(FourDigitSets.stream(1, 1, 0), 20, 5), layout);
            double[][] wall = new double[3][rounds], cpu = new double[3][rounds];
            for (int warm = 0; warm < 2; warm++) net.fit(batch);
            for (int r = 0; r < rounds; r++) {
                for (int part = 0; part < 3; part++) {
                    long w0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                    switch (part) {
                        case 0 -> net.output(batch.getFeatures(), false);
                        case 1 -> {
                            net.setInput(batch.getFeatures());
                            net.setLabels(batch.getLabels());
                            net.computeGradientAndScore();
                        }
                        default -> net.fit(batch);
                    }
                    wall[part][r] = (System.nanoTime() - w0) / 1e6;
                    cpu[part][r] = (os.getProcessCpuTime() - c0) / 1e6;
                }
            }
            System.out.printf(Locale.ROOT, "%-28s forward %7.1f / %7.1f   fwd+bwd %7.1f / %7.1f   fit %7.1f / %7.1f   (load %.2f)%n",
                    config, median(wall[0]), median(cpu[0]), median(wall[1]), median(cpu[1]), median(wall[2]), median(cpu[2]),
                    os.getSystemLoadAverage());
        }
    }

    static MultiLayerNetwork poolRelu(org.nd4j.linalg.lossfunctions.ILossFunction loss, CNN2DFormat layout, WorkspaceMode workspace) {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1).dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT).updater(new org.nd4j.linalg.learning.config.Adam(3e-4))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.UNIFORM).trainingWorkspaceMode(workspace).inferenceWorkspaceMode(workspace)
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(5, 5).nOut(32).padding(2, 2).dataFormat(layout)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).dataFormat(layout).build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(org.nd4j.linalg.activations.Activation.RELU))
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(5, 5).nOut(64).padding(2, 2).dataFormat(layout)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).dataFormat(layout).build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(org.nd4j.linalg.activations.Activation.RELU))
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(64).activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(loss).nOut(1).activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(FourDigitSets.HEIGHT, FourDigitSets.WIDTH, 1, layout))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static DigitImages syntheticDigits() {
        int count = 1000;
        float[] px = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < px.length; i++) px[i] = r.nextDouble() < 0.8 ? 0f : (float) r.nextDouble();
        for (int i = 0; i < count; i++) labels[i] = (byte) (i % 10);
        return new DigitImages(count, px, labels);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
