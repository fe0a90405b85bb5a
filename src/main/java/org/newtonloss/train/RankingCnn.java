package org.newtonloss.train;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.newtonloss.data.FourDigitSets;

/**
 * The four-digit MNIST ranking networks. {@link Architecture#PAPER} is diffsort's CNN (METHOD.md §4): conv 5×5
 * 1→32 (pad 2), ReLU, max-pool 2; conv 5×5 32→64 (pad 2), ReLU, max-pool 2; dense 12,544→64, ReLU; dense 64→1
 * (one score per 28×112 item). Weights are drawn U(±1/√fan_in) (DL4J's UNIFORM, PyTorch's default for these
 * layers); biases start at 0.
 *
 * <p>The layers apply each ReLU after its max-pool rather than before: ReLU is monotone, so
 * relu(maxpool(x)) = maxpool(relu(x)) and both route the gradient to the same element (the window's first maximum,
 * scaled by relu' of it), i.e. the same function and the same gradients, with the ReLU and its backward pass on a
 * quarter of the values. DL4J's ReLU backward on a convolution's output is also a slow strided loop in libnd4j
 * (NHWC views), which this avoids; measured in benchmarks/RESULTS.md.
 */
public final class RankingCnn {
    /** Which network scores the items. */
    public enum Architecture {
        /** The paper's CNN (the default and the benchmark's network). */
        PAPER,
        /**
         * A small, fast stand-in for tests and quick checks of the training machinery: max-pool 4; conv 5×5 1→8 (pad
         * 2), ReLU, max-pool 2 (ReLU applied after the pool, as in PAPER); dense 336→32, ReLU; dense 32→1. Not the
         * paper's network.
         */
        SMALL
    }

    private RankingCnn() {}

    /** The paper's network; see {@link #configuration(Architecture, ILossFunction, double, long, CNN2DFormat, WorkspaceMode)}. */
    public static MultiLayerConfiguration configuration(ILossFunction loss, double lr, long seed, CNN2DFormat layout,
                                                        WorkspaceMode workspace) {
        return configuration(Architecture.PAPER, loss, lr, seed, layout, workspace);
    }

    /**
     * The network configuration, Adam with learning rate {@code lr}, in float.
     *
     * @param layout    NCHW or NHWC (with one channel both are the same memory layout of the input)
     * @param workspace DL4J workspace mode for training and inference
     */
    public static MultiLayerConfiguration configuration(Architecture architecture, ILossFunction loss, double lr, long seed,
                                                        CNN2DFormat layout, WorkspaceMode workspace) {
        if (architecture == Architecture.SMALL) return small(loss, lr, seed, layout, workspace);
        return paper(loss, lr, seed, layout, workspace, true);
    }

    /**
     * The paper's network with each ReLU after its max-pool (as built) or, with {@code reluAfterPool} false, in the
     * paper's written order conv → ReLU → pool (same parameters in the same order; the tests and the step-time
     * benchmark compare the two).
     */
    public static MultiLayerConfiguration paper(ILossFunction loss, double lr, long seed, CNN2DFormat layout, WorkspaceMode workspace,
                                         boolean reluAfterPool) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(lr))
                .weightInit(WeightInit.UNIFORM)
                .trainingWorkspaceMode(workspace)
                .inferenceWorkspaceMode(workspace)
                .list();
        for (int channels : new int[] {32, 64}) for (var layer : convReluPool(channels, layout, reluAfterPool)) list.layer(layer);
        return list
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(FourDigitSets.HEIGHT, FourDigitSets.WIDTH, 1, layout))
                .build();
    }

    /** conv 5×5 (pad 2) → ReLU → max-pool 2, with the ReLU placed after the pool when {@code reluAfterPool}. */
    private static org.deeplearning4j.nn.conf.layers.Layer[] convReluPool(int channels, CNN2DFormat layout, boolean reluAfterPool) {
        var conv = new ConvolutionLayer.Builder(5, 5).nOut(channels).padding(2, 2).stride(1, 1).dataFormat(layout)
                .activation(reluAfterPool ? Activation.IDENTITY : Activation.RELU).build();
        var pool = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).dataFormat(layout).build();
        return reluAfterPool ? new org.deeplearning4j.nn.conf.layers.Layer[] {conv, pool, new ActivationLayer(Activation.RELU)}
                : new org.deeplearning4j.nn.conf.layers.Layer[] {conv, pool};
    }

    private static MultiLayerConfiguration small(ILossFunction loss, double lr, long seed, CNN2DFormat layout, WorkspaceMode workspace) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
        var list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Adam(lr)).weightInit(WeightInit.UNIFORM)
                .trainingWorkspaceMode(workspace).inferenceWorkspaceMode(workspace)
                .list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(4, 4).stride(4, 4).dataFormat(layout).build());
        for (var layer : convReluPool(8, layout, true)) list.layer(layer);
        return list
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(FourDigitSets.HEIGHT, FourDigitSets.WIDTH, 1, layout))
                .build();
    }

    /** A fresh, initialised network of this architecture. */
    public static MultiLayerNetwork create(Architecture architecture, ILossFunction loss, double lr, long seed, CNN2DFormat layout,
                                           WorkspaceMode workspace) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(architecture, loss, lr, seed, layout, workspace));
        net.init();
        return net;
    }

    /** A fresh, initialised paper network. */
    public static MultiLayerNetwork create(ILossFunction loss, double lr, long seed, CNN2DFormat layout, WorkspaceMode workspace) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(loss, lr, seed, layout, workspace));
        net.init();
        return net;
    }

    /**
     * Routes the network's convolution and pooling layers through libnd4j's own conv2d / pooling ops (oneDNN in the
     * {@code -onednn} builds of nd4j-native) instead of DL4J's Java-side im2col path. DL4J 1.0.0-M2.1 never does
     * this by itself: its helper check looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, a class that moved,
     * so the check always fails. Measured here: 6x less CPU time per step with {@code linux-x86_64-onednn-avx2}
     * (benchmarks/RESULTS.md); outputs agree with the plain path to float rounding. Call again after restoring a
     * network from a file.
     *
     * @throws IllegalArgumentException for an NHWC convolution with a built-in (non-identity) activation: there the
     *         helper's backward pass returns wrong weight gradients (found by the tests; the networks built here apply
     *         their ReLUs in separate layers)
     */
    public static void useNativeHelpers(MultiLayerNetwork net) {
        try {
            for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
                if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer c) {
                    var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) c.layerConf();
                    if (conf.getCnn2dDataFormat() == CNN2DFormat.NHWC && !(conf.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity))
                        throw new IllegalArgumentException("native helpers on an NHWC convolution with activation " + conf.getActivationFn()
                                + ": DL4J's MKLDNNConvHelper returns wrong weight gradients there (measured); use an identity"
                                + " activation followed by an ActivationLayer, NCHW, or --helpers NONE");
                    var f = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
                    f.setAccessible(true);
                    f.set(c, new org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper(net.getLayerWiseConfigurations().getDataType()));
                } else if (l instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer p) {
                    var f = org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class.getDeclaredField("helper");
                    f.setAccessible(true);
                    f.set(p, new org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper(net.getLayerWiseConfigurations().getDataType()));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this DL4J version has no 'helper' field in its convolution layers; run with --helpers none", e);
        }
    }

    /** The input shape of {@code items} items in this layout. */
    public static long[] inputShape(int items, CNN2DFormat layout) {
        return layout == CNN2DFormat.NCHW ? new long[] {items, 1, FourDigitSets.HEIGHT, FourDigitSets.WIDTH}
                : new long[] {items, FourDigitSets.HEIGHT, FourDigitSets.WIDTH, 1};
    }
}
