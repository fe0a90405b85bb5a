package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.spec.Spec;

/**
 * Stochastic smoothing of the algorithm: the expected path p_σ(θ) = E[SP(θ + σε)], estimated by the mean of the
 * S perturbed paths, then an L1 or squared L2 loss φ(p) to the true map, summed over the cells (METHOD.md §3.7).
 * Gradient Jᵀ∇φ with the Stein Jacobian J ≈ (1/S) Σ (SP_s − SP(θ)) ε_sᵀ/σ; Hessian
 * Jᵀ ∇²φ J + Σ_i ∂φ/∂p_i · ∇²p_i, with ∇²p_i from the Stein Hessian estimator, symmetrised. SPEC
 * {@code smooth-algorithm:samples=10,sigma=0.1,seed=1[,loss=l2|l1][,antithetic=true][,baseline=false]}.
 *
 * <p><b>Gauss-Newton</b> ({@link #evaluateGaussNewton}): C = 2JᵀJ with the same Stein Jacobian J and the same
 * draws, positive semi-definite by construction (a Gram matrix). For L2 it is the Hessian estimate without the
 * Σ ∂φ/∂p_i ∇²p_i term; for L1, whose second derivative is 0 (on [0, 1] with a 0/1 truth L1 is linear in p), the
 * literal Gauss-Newton matrix would be 0, and C is defined as the L2 surrogate 2JᵀJ instead (value and gradient
 * stay L1's).
 */
public final class SmoothedAlgorithmLoss extends PerturbedPathLoss implements GaussNewtonLoss {
    private final RelaxedBellmanFord.PathLoss loss;

    public SmoothedAlgorithmLoss(Smoothing smoothing, RelaxedBellmanFord.PathLoss loss) {
        super(smoothing);
        if (loss == null) throw new IllegalArgumentException("loss must not be null");
        this.loss = loss;
    }

    public static SmoothedAlgorithmLoss fromSpec(Spec s) {
        Smoothing smoothing = Smoothing.fromSpec(s);
        RelaxedBellmanFord.PathLoss loss = s.choice("loss", RelaxedBellmanFord.PathLoss.class, RelaxedBellmanFord.PathLoss.L2);
        String[] keys = Arrays.copyOf(Smoothing.KEYS, Smoothing.KEYS.length + 1);
        keys[keys.length - 1] = "loss";
        s.requireAllUsed(keys);
        return new SmoothedAlgorithmLoss(smoothing, loss);
    }

    /** The loss φ on the expected path: L1 or squared L2, summed over the cells. */
    public RelaxedBellmanFord.PathLoss pathLoss() { return loss; }

    @Override String family() { return "smooth-algorithm"; }

    @Override public String spec() {
        return family() + ":" + smoothing.specSuffix().substring(1) + ",loss=" + loss.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override double compute(int sample, int m, double[] y, int o, double[] target, int to, double[] grad, int go,
                             double[] hess, int ho) {
        return estimate(sample, m, y, o, target, to, grad, go, hess, ho, false);
    }

    /** Loss, gradient and C = 2JᵀJ (see the class comment) with the draws of batch sample {@code sample}. */
    @Override
    public double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        return estimate(sample, m, y, sample * m, target, sample * m, grad, sample * m, gaussNewton, sample * m * m, true);
    }

    /** Value, gradient and, into {@code curvature} if not null, the Hessian or the Gauss-Newton estimate. */
    private double estimate(int sample, int m, double[] y, int o, double[] target, int to, double[] grad, int go,
                            double[] curvature, int ho, boolean gaussNewton) {
        Draws d = draw(sample, m, y, o, target, to);
        int samples = smoothing.samples();
        double sigma = smoothing.sigma();
        boolean l2 = loss == RelaxedBellmanFord.PathLoss.L2;
        // expected path, φ and φ'
        double[] p = new double[m];
        for (int s = 0; s < samples; s++) for (int k = 0; k < m; k++) p[k] += d.maps[s * m + k];
        double value = 0;
        double[] slope = new double[m];
        for (int k = 0; k < m; k++) {
            p[k] /= samples;
            double r = p[k] - d.truth[k];
            value += l2 ? r * r : Math.abs(r);
            slope[k] = l2 ? 2 * r : Math.signum(r);
        }
        // δ_s = SP_s − baseline map; c_s = φ'·δ_s
        double[] delta = new double[samples * m];
        double[] c = new double[samples];
        for (int s = 0; s < samples; s++) {
            double cs = 0;
            for (int k = 0; k < m; k++) {
                double dk = d.maps[s * m + k] - (smoothing.baseline() ? d.map0[k] : 0);
                delta[s * m + k] = dk;
                cs += slope[k] * dk;
            }
            c[s] = cs;
        }
        // gradient Jᵀφ' = (1/(Sσ)) Σ_s c_s ε_s
        Stein.gradient(d.eps, samples, m, c, 0, sigma, grad, go);
        if (curvature == null) return value;
        if (gaussNewton) {
            Arrays.fill(curvature, ho, ho + m * m, 0.0);
            Stein.addGaussNewton(d.eps, samples, m, delta, m, sigma, curvature, ho);
            return value;
        }
        // Hessian: Σ_i φ'_i ∇²p_i (the Stein Hessian of c_s), plus Jᵀ(2I)J for L2
        Stein.hessian(d.eps, samples, m, c, 0, sigma, curvature, ho);
        if (l2) Stein.addGaussNewton(d.eps, samples, m, delta, m, sigma, curvature, ho);
        symmetrise(curvature, ho, m);
        return value;
    }

    static void symmetrise(double[] hess, int ho, int m) {
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++) {
                double a = 0.5 * (hess[ho + i * m + j] + hess[ho + j * m + i]);
                hess[ho + i * m + j] = a;
                hess[ho + j * m + i] = a;
            }
    }
}
