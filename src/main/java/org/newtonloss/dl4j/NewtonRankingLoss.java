package org.newtonloss.dl4j;

import java.util.Arrays;
import java.util.Objects;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.spec.Losses;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A DL4J loss function for ranking supervision with Newton losses. The output layer emits one score per row
 * (item); every {@link #getSetSize() setSize} consecutive rows form one set, whose labels are the items' true
 * values (the true order is their stable ascending order). The set's loss is any ranking relaxation given by a
 * SPEC (e.g. {@code neuralsort:tau=1}, parsed by {@link Losses#parse}).
 *
 * <p>With curvature {@code none} the network trains on the plain relaxation: the score is the mean set loss and
 * the gradient is its gradient. With {@code hessian}, {@code hessian-mean} or {@code fisher} the gradient is the
 * Newton loss's, (1/N)(C + λI)⁻¹ g (METHOD.md §1), while the reported score stays the relaxation's mean set loss
 * (so scores are comparable across curvatures; the gradient is then not the gradient of the score).
 *
 * <p>DL4J calls {@link #computeScore} and {@link #computeGradient} separately with the same arrays each step: the
 * relaxation (and Newton solve) runs once, and the second call reuses the cached result when the labels and
 * outputs are equal. Saved with the model as JSON: the bean properties are the state, everything else is
 * transient. Masks are not supported (sets have no missing items).
 */
public class NewtonRankingLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    private String loss;
    private String curvature = "none";
    private double lambda = 1.0;
    private String safeguard = "escalate";
    private int setSize = 5;

    private transient AlgorithmicLoss parsed;
    private transient NewtonSettings settings;
    private transient volatile Cached cache;
    private transient volatile long evaluations;

    /** For JSON and Java deserialisation; set the properties before use. */
    public NewtonRankingLoss() {}

    /**
     * @param loss      ranking relaxation SPEC
     * @param curvature none, hessian, hessian-mean, fisher or gauss-newton
     * @param lambda    λ &gt; 0 (ignored for none)
     * @param setSize   n, items per set
     */
    public NewtonRankingLoss(String loss, String curvature, double lambda, int setSize) {
        this(loss, curvature, lambda, "escalate", setSize);
    }

    /** As {@link #NewtonRankingLoss(String, String, double, int)} with a safeguard (escalate, spectral, clip). */
    public NewtonRankingLoss(String loss, String curvature, double lambda, String safeguard, int setSize) {
        this.loss = loss;
        this.curvature = curvature;
        this.lambda = lambda;
        this.safeguard = safeguard;
        this.setSize = setSize;
        validate();
    }

    /** Checks every property (parses the SPEC); throws {@link IllegalArgumentException} naming the bad one. */
    public final void validate() {
        if (setSize < 1) throw new IllegalArgumentException("setSize must be >= 1, got " + setSize);
        if (loss == null || loss.isBlank()) throw new IllegalArgumentException("loss SPEC must be set, got '" + loss + "'");
        AlgorithmicLoss l = Losses.parse(loss);
        l.checkDimension(setSize);
        NewtonSettings s = new NewtonSettings(NewtonSettings.Kind.parse(curvature), lambda, safeguard);
        parsed = l;
        settings = s;
    }

    private record Cached(double[] scores, double[] labels, SetGradients result) {}

    /** Evaluates (or reuses) the set losses and gradients for these rows. */
    private SetGradients evaluate(INDArray labels, INDArray output) {
        if (parsed == null) validate();
        if (output.rank() != 2 || output.size(1) != 1)
            throw new IllegalArgumentException("NewtonRankingLoss needs one score per row (output shape [rows, 1]), got "
                    + Arrays.toString(output.shape()));
        if (!Arrays.equals(labels.shape(), output.shape()))
            throw new IllegalArgumentException("labels and output must have equal shapes: got " + Arrays.toString(labels.shape())
                    + " vs " + Arrays.toString(output.shape()));
        double[] y = output.castTo(DataType.DOUBLE).reshape(output.length()).toDoubleVector();
        double[] t = labels.castTo(DataType.DOUBLE).reshape(labels.length()).toDoubleVector();
        Cached c = cache;
        if (c != null && Arrays.equals(c.scores, y) && Arrays.equals(c.labels, t)) return c.result;
        SetGradients r = SetGradients.compute(parsed, y, t, setSize, settings);
        evaluations++;
        cache = new Cached(y, t, r);
        return r;
    }

    private static void checkMask(INDArray mask) {
        if (mask != null && mask.minNumber().doubleValue() != 1.0)
            throw new IllegalArgumentException("NewtonRankingLoss does not support masks (a set has no missing items)");
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        checkMask(mask);
        SetGradients r = evaluate(labels, activationFn.getActivation(preOutput.dup(), true));
        double sum = 0;
        for (double s : r.rowScore()) sum += s;
        return average ? sum / r.rowScore().length : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkMask(mask);
        SetGradients r = evaluate(labels, activationFn.getActivation(preOutput.dup(), true));
        return Nd4j.createFromArray(r.rowScore()).castTo(preOutput.dataType()).reshape(r.rowScore().length, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkMask(mask);
        SetGradients r = evaluate(labels, activationFn.getActivation(preOutput.dup(), true));
        INDArray dLdOut = Nd4j.createFromArray(r.rowGradient()).castTo(preOutput.dataType()).reshape(preOutput.shape());
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /**
     * The result of the latest evaluation (set losses, Newton statistics), or null before the first one. Not part
     * of the saved state.
     */
    public SetGradients lastEvaluation() {
        Cached c = cache;
        return c == null ? null : c.result;
    }

    /** How many times the relaxation was evaluated (cache misses) since this object was made. */
    public long evaluations() { return evaluations; }

    @Override public String name() { return toString(); }

    public String getLoss() { return loss; }
    public void setLoss(String loss) { this.loss = loss; parsed = null; cache = null; }
    public String getCurvature() { return curvature; }
    public void setCurvature(String curvature) { this.curvature = curvature; parsed = null; cache = null; }
    public double getLambda() { return lambda; }
    public void setLambda(double lambda) { this.lambda = lambda; parsed = null; cache = null; }
    public String getSafeguard() { return safeguard; }
    public void setSafeguard(String safeguard) { this.safeguard = safeguard; parsed = null; cache = null; }
    public int getSetSize() { return setSize; }
    public void setSetSize(int setSize) { this.setSize = setSize; parsed = null; cache = null; }

    @Override public boolean equals(Object o) {
        return o instanceof NewtonRankingLoss x && Objects.equals(loss, x.loss) && Objects.equals(curvature, x.curvature)
                && Double.compare(lambda, x.lambda) == 0 && Objects.equals(safeguard, x.safeguard) && setSize == x.setSize;
    }

    @Override public int hashCode() { return Objects.hash(loss, curvature, lambda, safeguard, setSize); }

    @Override public String toString() {
        return "NewtonRankingLoss(loss=" + loss + ", curvature=" + curvature + ", lambda=" + lambda + ", safeguard="
                + safeguard + ", setSize=" + setSize + ")";
    }
}
