package org.newtonloss.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RankingTrainerTest {
    /** The relaxation the training tests use. */
    static final String SPEC = "neuralsort:tau=1";

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(names = {"NCHW", "NHWC"})
    void nativeHelpersComputeWhatDl4jsOwnPathComputes(org.deeplearning4j.nn.conf.CNN2DFormat layout) {
        var loss = new org.newtonloss.dl4j.NewtonRankingLoss("neuralsort:tau=1", "none", 1, 3);
        var a = RankingCnn.create(loss, 1e-3, 5, layout, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED);
        var b = RankingCnn.create(loss, 1e-3, 5, layout, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED);
        RankingCnn.useNativeHelpers(b);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(3);
        var x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, RankingCnn.inputShape(6, layout));
        var y = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1}, {5}, {3}, {9}, {2}, {4}});
        assertTrue(b.getLayer(0).getHelper() instanceof org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper);
        var ga = gradient(a, x, y);
        var gb = gradient(b, x, y);
        double scale = ga.amaxNumber().doubleValue();
        double diff = ga.sub(gb).amaxNumber().doubleValue();
        assertTrue(scale > 0 && diff < 1e-4 * scale, "gradients differ by " + diff + " of max " + scale);
        assertTrue(a.output(x).sub(b.output(x)).amaxNumber().doubleValue() < 1e-5);
    }

    /**
     * The built network applies each ReLU after its max-pool; it must compute exactly what the paper's order conv →
     * ReLU → pool computes with the same parameters, the reference being DL4J's own path (no native helpers):
     * outputs and every parameter's gradient, on inputs with negative pre-activations, with and without the native
     * helpers, in both layouts.
     */
    @ParameterizedTest
    @CsvSource({"NCHW, false", "NCHW, true", "NHWC, false", "NHWC, true"})
    void reluAfterPoolIsThePapersConvReluPool(org.deeplearning4j.nn.conf.CNN2DFormat layout, boolean nativeHelpers) {
        var loss = new org.newtonloss.dl4j.NewtonRankingLoss("neuralsort:tau=1", "none", 1, 3);
        var ws = org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED;
        var paperOrder = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(RankingCnn.paper(loss, 1e-3, 5, layout, ws, false));
        var built = RankingCnn.create(loss, 1e-3, 5, layout, ws);
        paperOrder.init();
        paperOrder.setParams(built.params());
        if (nativeHelpers) RankingCnn.useNativeHelpers(built);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(4);
        var x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, RankingCnn.inputShape(6, layout)).subi(0.5);
        var y = org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1}, {5}, {3}, {9}, {2}, {4}});
        var outA = paperOrder.output(x);
        assertEquals(0, outA.sub(built.output(x)).amaxNumber().doubleValue(), 1e-5 * outA.amaxNumber().doubleValue());
        var ga = gradient(paperOrder, x, y);
        var gb = gradient(built, x, y);
        double scale = ga.amaxNumber().doubleValue();
        double diff = ga.sub(gb).amaxNumber().doubleValue();
        assertTrue(scale > 0 && diff <= 1e-4 * scale, "gradients differ by " + diff + " of max " + scale);
    }

    /** DL4J's MKLDNN helper gets NHWC convolutions with a built-in activation wrong; installing it there is refused. */
    @Test
    void nativeHelpersRefuseAnNhwcConvolutionWithABuiltInActivation() {
        var loss = new org.newtonloss.dl4j.NewtonRankingLoss("neuralsort:tau=1", "none", 1, 3);
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(RankingCnn.paper(loss, 1e-3, 5,
                org.deeplearning4j.nn.conf.CNN2DFormat.NHWC, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED, false));
        net.init();
        var e = assertThrows(IllegalArgumentException.class, () -> RankingCnn.useNativeHelpers(net));
        assertTrue(e.getMessage().contains("NHWC") && e.getMessage().contains("relu"), e.getMessage());
    }

    private static org.nd4j.linalg.api.ndarray.INDArray gradient(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net,
                                                                 org.nd4j.linalg.api.ndarray.INDArray x, org.nd4j.linalg.api.ndarray.INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    static TrainConfig tiny(int steps, double lr) {
        return new TrainConfig(SPEC, "none", 1, "escalate", 3, steps, 4, 7, lr, 5, 8, 0, "NCHW", "ENABLED", "synthetic", "SMALL", "NATIVE");
    }

    @Test
    void smokeTrainingLowersTheLossAndWritesTheRunFolder() throws IOException {
        TrainSummary s = new RankingTrainer(tiny(20, 1e-2), SyntheticDigits.pools(), dir, TrainingListener.NONE).run();
        List<MetricsRecord> m = RankingTrainer.readMetrics(dir);
        assertEquals(List.of(5, 10, 15, 20), m.stream().map(MetricsRecord::step).toList());
        assertTrue(m.getLast().trainLoss() < 0.9 * m.getFirst().trainLoss(),
                "training loss should fall: " + m.stream().map(MetricsRecord::trainLoss).toList());
        assertEquals(20, s.stepsDone());
        for (String f : List.of("config.json", "metrics.jsonl", "metrics.csv", "checkpoint.zip", "state.json", "best-model.zip",
                "loss.png", "accuracy.png", "summary.json"))
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " written");
        assertEquals(5, Files.readAllLines(dir.resolve("metrics.csv")).size(), "header + one line per evaluation");
        assertEquals(s, RankingTrainer.readSummary(dir));
    }

    @Test
    void killedAndRerunEndsWithTheSameMetricsAsAnUninterruptedRun() throws IOException {
        TrainConfig c = tiny(15, 3e-3);
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        new RankingTrainer(c, SyntheticDigits.pools(), whole, TrainingListener.NONE).run();

        TrainingListener killer = new TrainingListener() {
            @Override public void stepDone(int step, double loss) {
                if (step == 8) throw new IllegalStateException("killed at step 8");
            }
        };
        assertThrows(IllegalStateException.class, () -> new RankingTrainer(c, SyntheticDigits.pools(), killed, killer).run());
        assertEquals(List.of(5), RankingTrainer.readMetrics(killed).stream().map(MetricsRecord::step).toList(),
                "the killed run has its step-5 checkpoint only");
        int[] resumedFrom = {-1};
        new RankingTrainer(c, SyntheticDigits.pools(), killed, new TrainingListener() {
            @Override public void started(TrainConfig config, int doneSteps, int totalSteps) { resumedFrom[0] = doneSteps; }
        }).run();
        assertEquals(5, resumedFrom[0], "resumed from the checkpoint");
        assertEquals(RankingTrainer.readMetrics(whole).stream().map(MetricsRecord::withoutTime).toList(),
                RankingTrainer.readMetrics(killed).stream().map(MetricsRecord::withoutTime).toList());
        TrainSummary a = RankingTrainer.readSummary(whole), b = RankingTrainer.readSummary(killed);
        assertEquals(a.testAtBest(), b.testAtBest());
        assertEquals(a.bestStep(), b.bestStep());
    }

    @Test
    void aFolderOfAnotherRunIsRefusedAndLeftAlone() throws IOException {
        new RankingTrainer(tiny(5, 1e-3), SyntheticDigits.pools(), dir, TrainingListener.NONE).run();
        Map<String, byte[]> before = contents(dir);
        TrainConfig other = new TrainConfig(SPEC, "none", 1, "escalate", 4, 5, 4, 7, 1e-3, 5, 8, 0, "NCHW", "ENABLED", "synthetic", "SMALL", "NATIVE");
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RankingTrainer(other, SyntheticDigits.pools(), dir, TrainingListener.NONE).run());
        assertTrue(e.getMessage().contains("n 3 -> 4"), e.getMessage());
        assertEquals(before.keySet(), contents(dir).keySet());
        for (var entry : before.entrySet())
            assertTrue(java.util.Arrays.equals(entry.getValue(), contents(dir).get(entry.getKey())), entry.getKey() + " unchanged");
    }

    @Test
    void thePaperNetworkHasTheLayersOfMethodSection4() {
        var net = RankingCnn.create(new org.newtonloss.dl4j.NewtonRankingLoss("mse", "none", 1, 5), 1e-3, 1,
                org.deeplearning4j.nn.conf.CNN2DFormat.NCHW, org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED);
        // conv1 32·25+32, conv2 64·32·25+64, dense 12544·64+64, out 64+1
        assertEquals(832 + 51_264 + 802_880 + 65, net.numParams());
        var out = net.output(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 28, 112));
        assertEquals(List.of(2L, 1L), java.util.Arrays.stream(out.shape()).boxed().toList());
    }

    @Test
    void accuracyCountsWholeSetsAndElements() {
        double[] truth = {3, 1, 2, 10, 20, 30};
        double[] scores = {0.9, 0.1, 0.5, 3, 1, 2};
        Accuracy a = Accuracy.of(scores, truth, 3);
        assertEquals(0.5, a.exactMatch());
        assertEquals(3 / 6.0, a.elementWise());
        assertThrows(IllegalArgumentException.class, () -> Accuracy.of(scores, truth, 4));
    }

    static Map<String, byte[]> contents(Path d) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (var files = Files.list(d)) {
            for (Path f : files.toList()) m.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return m;
    }
}
