package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.spec.Spec;

/**
 * Stochastic smoothing of the algorithm: the expected path p_σ(θ) = E[SP(θ + σε)], estimated by the mean of the
 * S perturbed paths, then an L1 or squared L2 loss φ(p) to the true map, summed over the cells (METHOD.md §3.7).
 * Gradient Jᵀ∇φ with the Stein Jacobian J ≈ (1/S) Σ (SP_s − SP(θ)) ε_sᵀ/σ; Hessian
 * Jᵀ ∇²φ J + Σ_i ∂φ/∂p_i · ∇²p_i, with ∇²p_i from the Stein Hessian estimator, symmetrised. SPEC
 * {@code smooth-algorithm:samples=10,sigma=0.1,seed=1[,loss=l2|l1][,antithetic=true][,baseline=false]}.
 */
public final class SmoothedAlgorithmLoss extends PerturbedPathLoss {
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
        if (hess == null) return value;
        Stein.hessian(d.eps, samples, m, c, 0, sigma, hess, ho);
        if (l2) {
            // Jᵀ (2I) J = (2/(Sσ)²) Σ_{s,t} (δ_s·δ_t) ε_s ε_tᵀ, through G = [δ_s·δ_t] and F = G E
            double scale = 2.0 / ((double) samples * samples * sigma * sigma);
            double[] f = new double[samples * m];
            for (int s = 0; s < samples; s++)
                for (int t = 0; t < samples; t++) {
                    double g = 0;
                    for (int k = 0; k < m; k++) g += delta[s * m + k] * delta[t * m + k];
                    if (g == 0) continue;
                    g *= scale;
                    for (int k = 0; k < m; k++) f[s * m + k] += g * d.eps[t * m + k];
                }
            for (int i = 0; i < m; i++) {
                int row = ho + i * m;
                for (int s = 0; s < samples; s++) {
                    double e = d.eps[s * m + i];
                    for (int j = 0; j < m; j++) hess[row + j] += e * f[s * m + j];
                }
            }
        }
        symmetrise(hess, ho, m);
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
