package org.newtonloss.paths;

import org.newtonloss.spec.Spec;

/**
 * Perturbed optimizer with a Fenchel-Young loss (Berthet et al. 2020) for the minimising shortest-path solver:
 * value ⟨θ, y⟩ − (1/S) Σ_s min_p ⟨p, θ + σε_s⟩ (the FY loss without its constant Ω(y); ≥ 0 in expectation when
 * y is optimal), gradient y − ŷ_σ(θ) with ŷ_σ = (1/S) Σ_s SP(θ + σε_s), and Hessian −∂ŷ_σ/∂θ estimated from
 * the same draws, −(1/S) Σ (SP_s − SP(θ)) ε_sᵀ / σ, symmetrised (METHOD.md §3.8). The empirical Fisher is not
 * meaningful for this loss. SPEC {@code fenchel-young:samples=10,sigma=0.1,seed=1[,antithetic=true][,baseline=false]}.
 */
public final class FenchelYoungLoss extends PerturbedPathLoss {
    public FenchelYoungLoss(Smoothing smoothing) { super(smoothing); }

    public static FenchelYoungLoss fromSpec(Spec s) {
        Smoothing smoothing = Smoothing.fromSpec(s);
        s.requireAllUsed(Smoothing.KEYS);
        return new FenchelYoungLoss(smoothing);
    }

    @Override String family() { return "fenchel-young"; }

    @Override public String spec() { return family() + ":" + smoothing.specSuffix().substring(1); }

    @Override double compute(int sample, int m, double[] y, int o, double[] target, int to, double[] grad, int go,
                             double[] hess, int ho) {
        Draws d = draw(sample, m, y, o, target, to);
        int samples = smoothing.samples();
        double value = 0, meanOptimal = 0;
        for (int k = 0; k < m; k++) value += y[o + k] * d.truth[k];
        for (int s = 0; s < samples; s++) meanOptimal += d.optimal[s];
        value -= meanOptimal / samples;
        for (int k = 0; k < m; k++) {
            double mean = 0;
            for (int s = 0; s < samples; s++) mean += d.maps[s * m + k];
            grad[go + k] = d.truth[k] - mean / samples;
        }
        if (hess != null) {
            double[] jac = new double[m * m];
            Stein.jacobian(d.eps, samples, m, d.maps, smoothing.baseline() ? d.map0 : null, m, smoothing.sigma(), jac);
                for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++) hess[ho + i * m + j] = -0.5 * (jac[i * m + j] + jac[j * m + i]);
        }
        return value;
    }
}
