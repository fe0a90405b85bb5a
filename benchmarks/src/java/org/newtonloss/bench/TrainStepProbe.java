package org.newtonloss.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
 * {@code helpers/layout/workspace/curvature[/RELU_FIRST]}, e.g. {@code NATIVE/NHWC/ENABLED/none} (the default;
 * RELU_FIRST: the paper's written layer order conv → ReLU → pool instead of the built ReLU after pool).
 */
public final class TrainStepProbe {
    private TrainStepProbe() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String[] configs = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"NATIVE/NHWC/ENABLED/none"};
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, load %.2f, %d rounds, 20 sets x n=5 (100 images), median wall / CPU ms%n",
                System.getenv("OMP_NUM_THREADS"), os.getSystemLoadAverage(), rounds);
        for (String config : configs) {
            String[] p = config.split("/");
            CNN2DFormat layout = CNN2DFormat.valueOf(p[1]);
            boolean reluAfterPool = p.length < 5 || !p[4].equals("RELU_FIRST");
            MultiLayerNetwork net = new MultiLayerNetwork(RankingCnn.paper(new NewtonRankingLoss("neuralsort:tau=1", p[3], 1, 5),
                    Math.pow(10, -3.5), 1, layout, WorkspaceMode.valueOf(p[2]), reluAfterPool));
            net.init();
            if (p[0].equals("NATIVE")) RankingCnn.useNativeHelpers(net);
            DataSet batch = TrainStepBenchmark.toDataSet(new FourDigitSets(TrainStepBenchmark.syntheticDigits()).draw(FourDigitSets.stream(1, 1, 0), 20, 5), layout);
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

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
