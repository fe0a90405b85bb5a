package org.newtonloss.newton;

import org.newtonloss.linalg.Shapes;

/**
 * The paper's "InjectFisher" as a backward-only operation: the forward pass is the identity, and the backward
 * pass replaces the incoming gradient G = ∂L/∂Y (N×m) by the Fisher-preconditioned gradient of the Newton loss.
 *
 * <p>Scaling. With per-sample gradients g_i, the empirical Fisher is F = (1/N) Σ g_i g_iᵀ and the Newton loss
 * gradient of a batch-mean loss is (1/N)(F + λI)⁻¹ g_i. What arrives from the framework depends on how the
 * loss was reduced:
 * <ul>
 *   <li>{@link Reduction#MEAN} (L = (1/N) Σ ℓ_i): G_i = g_i / N, so F = N·GᵀG and the output is
 *       G (N·GᵀG + λI)⁻¹, i.e. row i = (1/N)(F + λI)⁻¹ g_i — the paper's formula;</li>
 *   <li>{@link Reduction#SUM} (L = Σ ℓ_i): G_i = g_i, F = (1/N)GᵀG and row i = (F + λI)⁻¹ g_i.</li>
 * </ul>
 * In both cases the output has the scale of the incoming gradient (what the optimiser expects), and λ means
 * the same thing as in {@link NewtonEngine#step}. F + λI is positive definite, so no safeguard changes the
 * result; the shared system is solved by Woodbury when m &gt; N.
 */
public final class FisherTransform {
    /** How the framework reduced the per-sample losses to the scalar it differentiates. */
    public enum Reduction {
        /** L = (1/N) Σ ℓ_i: incoming rows are g_i / N. */
        MEAN,
        /** L = Σ ℓ_i: incoming rows are g_i. */
        SUM
    }

    private final NewtonEngine engine = new NewtonEngine();
    private final NewtonOptions options;
    private final Reduction reduction;

    /**
     * @param lambda    the damping λ, finite and &gt; 0
     * @param reduction how the incoming gradient was reduced over the batch
     */
    public FisherTransform(double lambda, Reduction reduction) {
        this.options = new NewtonOptions(Curvature.FISHER, Safeguard.ESCALATE, lambda);
        this.reduction = java.util.Objects.requireNonNull(reduction, "reduction");
    }

    /**
     * The backward pass: returns the preconditioned gradient (a new N·m array).
     *
     * @param incoming not modified: ∂L/∂Y, N·m, finite
     */
    public double[] backward(double[] incoming, int batch, int m) {
        Shapes.checkBatch(batch, m);
        Shapes.checkLength("incoming", incoming.length, batch, m);
        NewtonEngine.checkFinite("incoming", incoming);
        double scale = reduction == Reduction.MEAN ? batch : 1;
        double[] g = new double[incoming.length];
        for (int k = 0; k < g.length; k++) g[k] = incoming[k] * scale;
        double[] out = engine.fisherSteps(options, g, batch, m, NewtonEngine.FisherMethod.AUTO);
        for (int k = 0; k < out.length; k++) out[k] /= scale;
        return out;
    }

    /** Float version of {@link #backward(double[], int, int)} (computed in double, rounded to float). */
    public float[] backward(float[] incoming, int batch, int m) {
        return NewtonEngine.toFloat(backward(NewtonEngine.toDouble(incoming), batch, m));
    }

    /** The damping λ. */
    public double lambda() { return options.lambda(); }

    /** The reduction the incoming gradient is assumed to have. */
    public Reduction reduction() { return reduction; }
}
