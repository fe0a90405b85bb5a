package org.newtonloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

class NewtonRankingLossTest {
    @TempDir Path dir;

    /** A loss SPEC, its output activation and set size n for the gradient check. */
    record Case(String spec, Activation activation, int n) {
        @Override public String toString() { return spec + " " + activation + " n=" + n; }
    }

    static Stream<Case> gradientCases() {
        return Stream.of(new Case("mse", Activation.IDENTITY, 4), new Case("mse", Activation.TANH, 3),
                new Case("mse", Activation.IDENTITY, 1), new Case("neuralsort:tau=1", Activation.IDENTITY, 4),
                new Case("softsort:tau=0.5,power=2", Activation.TANH, 3),
                new Case("dsn:sigmoid=cauchy,steepness=10", Activation.IDENTITY, 5),
                new Case("dsn:network=bitonic,sigmoid=logistic,steepness=5", Activation.IDENTITY, 4));
    }

    private static MultiLayerNetwork tinyNet(NewtonRankingLoss loss, Activation out, DataType type) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(type).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(4).nOut(1).activation(out).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** DL4J's gradient check insists on the global default type being double: set it for the check only. */
    private static boolean checkInDouble(GradientCheckUtil.MLNConfig config) {
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(config);
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
    }

    private static INDArray randn(long seed, DataType type, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, shape);
    }

    @ParameterizedTest
    @MethodSource("gradientCases")
    void dl4jGradientCheckInDoublePasses(Case c) {
        int sets = 3;
        NewtonRankingLoss loss = new NewtonRankingLoss(c.spec(), "none", 1, c.n());
        MultiLayerNetwork net = tinyNet(loss, c.activation(), DataType.DOUBLE);
        INDArray in = randn(1, DataType.DOUBLE, sets * c.n(), 3);
        INDArray labels = randn(2, DataType.DOUBLE, sets * c.n(), 1);
        boolean ok = checkInDouble(new GradientCheckUtil.MLNConfig().net(net).input(in).labels(labels)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(ok, "DL4J gradient check failed for " + c);
    }

    @Test
    void gradientCheckCatchesAWrongGradient() {
        // A loss whose rows get the gradient of a set size different from the one it scores with must fail the
        // check: proves the check above can fail.
        NewtonRankingLoss wrong = new NewtonRankingLoss("mse", "none", 1, 2) {
            @Override public INDArray computeGradient(INDArray l, INDArray p, org.nd4j.linalg.activations.IActivation a, INDArray m) {
                return super.computeGradient(l, p, a, m).muli(1.5);
            }
        };
        MultiLayerNetwork net = tinyNet(wrong, Activation.IDENTITY, DataType.DOUBLE);
        boolean ok = checkInDouble(new GradientCheckUtil.MLNConfig().net(net)
                .input(randn(3, DataType.DOUBLE, 6, 3)).labels(randn(4, DataType.DOUBLE, 6, 1))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(!ok, "a gradient off by 1.5x passed the check");
    }

    @Test
    void scoreIsTheMeanSetLoss() {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "none", 1, 2);
        INDArray out = Nd4j.createFromArray(new double[][] {{1}, {2}, {0}, {4}});
        INDArray lab = Nd4j.createFromArray(new double[][] {{0}, {0}, {1}, {1}});
        double score = loss.computeScore(lab, out, Activation.IDENTITY.getActivationFunction(), null, true);
        // sets: ½(1 + 4) = 2.5 and ½(1 + 9) = 5 → mean 3.75
        assertEquals(3.75, score, 1e-12);
        assertEquals(2 * (2.5 + 5), loss.computeScore(lab, out, Activation.IDENTITY.getActivationFunction(), null, false), 1e-12);
        INDArray g = loss.computeGradient(lab, out, Activation.IDENTITY.getActivationFunction(), null);
        // per row n·(y − t)
        assertEquals(Nd4j.createFromArray(new double[][] {{2}, {4}, {-2}, {6}}), g);
    }

    @Test
    void batchThatIsNotAWholeNumberOfSetsNamesBothNumbers() {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "none", 1, 5);
        INDArray out = Nd4j.zeros(DataType.FLOAT, 12, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> loss.computeScore(out, out, Activation.IDENTITY.getActivationFunction(), null, true));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void nanOutputsAreAClearError() {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "none", 1, 2);
        INDArray out = Nd4j.createFromArray(new float[][] {{1}, {Float.NaN}});
        var e = assertThrows(NonFiniteOutputException.class,
                () -> loss.computeGradient(Nd4j.zeros(DataType.FLOAT, 2, 1), out, Activation.IDENTITY.getActivationFunction(), null));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void badPropertiesAreRejectedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NewtonRankingLoss("mse", "newton", 1, 5))
                .getMessage().contains("'newton'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NewtonRankingLoss("mse", "fisher", 0, 5))
                .getMessage().contains("lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NewtonRankingLoss("nosuch:x=1", "none", 1, 5))
                .getMessage().contains("nosuch"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NewtonRankingLoss("mse", "none", 1, 0))
                .getMessage().contains("setSize"));
    }

    @Test
    void oneEvaluationPerTrainingStep() {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "none", 1, 3);
        MultiLayerNetwork net = tinyNet(loss, Activation.IDENTITY, DataType.FLOAT);
        NewtonRankingLoss inNet = (NewtonRankingLoss) ((BaseOutputLayer<?>) net.getOutputLayer()).layerConf().getLossFn();
        DataSet ds = new DataSet(randn(5, DataType.FLOAT, 6, 3), randn(6, DataType.FLOAT, 6, 1));
        for (int step = 1; step <= 3; step++) {
            net.fit(ds);
            assertEquals(step, inNet.evaluations(), "relaxation evaluations after " + step + " steps");
        }
    }

    @Test
    void jsonRoundTripOfBothNetworkKinds() {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "fisher", 0.25, 5);
        loss.setSafeguard("spectral");
        MultiLayerConfiguration conf = tinyNet(loss, Activation.IDENTITY, DataType.FLOAT).getLayerWiseConfigurations();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        OutputLayer out = (OutputLayer) back.getConf(1).getLayer();
        assertEquals(loss, out.getLossFn());
        assertInstanceOf(NewtonRankingLoss.class, out.getLossFn());

        ComputationGraphConfiguration g = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(4).nOut(1).activation(Activation.IDENTITY).build(), "dense")
                .setOutputs("out").build();
        ComputationGraphConfiguration gBack = ComputationGraphConfiguration.fromJson(g.toJson());
        assertEquals(g, gBack);
    }

    @Test
    void savedModelLoadsWithTheSameLossAndTrainsInAComputationGraph() throws Exception {
        NewtonRankingLoss loss = new NewtonRankingLoss("mse", "none", 1, 2);
        ComputationGraphConfiguration g = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.05)).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(4).nOut(1).activation(Activation.IDENTITY).build(), "dense")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(g);
        net.init();
        DataSet ds = new DataSet(randn(8, DataType.FLOAT, 8, 3), randn(9, DataType.FLOAT, 8, 1));
        double before = net.score(ds);
        for (int i = 0; i < 30; i++) net.fit(ds);
        assertTrue(net.score(ds) < before, "training a ComputationGraph with the loss lowers it: " + before + " -> " + net.score(ds));
        File f = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        var vertex = (org.deeplearning4j.nn.conf.graph.LayerVertex) back.getConfiguration().getVertices().get("out");
        assertEquals(loss, ((OutputLayer) vertex.getLayerConf().getLayer()).getLossFn());
        assertEquals(net.score(ds), back.score(ds), 1e-6);
    }
}
