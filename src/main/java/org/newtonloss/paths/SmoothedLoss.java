package org.newtonloss.paths;

import org.newtonloss.spec.Spec;

/**
 * Stochastic smoothing of the loss: ℓ_σ(θ) = E_ε[ℓ(θ + σε)] with ℓ = Hamming distance Σ_i |SP(θ)_i − y_i|
 * between the exact shortest path and the true path. Value, gradient and Hessian are the Monte-Carlo and Stein
 * estimates of {@link Stein} with the baseline ℓ(θ) (METHOD.md §3.6). SPEC
 * {@code smooth-loss:samples=10,sigma=0.1,seed=1[,antithetic=true][,baseline=false]}.
 */
public final class SmoothedLoss extends PerturbedPathLoss {
    public SmoothedLoss(Smoothing smoothing) { super(smoothing); }

    public static SmoothedLoss fromSpec(Spec s) {
        Smoothing smoothing = Smoothing.fromSpec(s);
        s.requireAllUsed(Smoothing.KEYS);
        return new SmoothedLoss(smoothing);
    }

    @Override String family() { return "smooth-loss"; }

    @Override public String spec() { return family() + ":" + smoothing.specSuffix().substring(1); }

    static double hamming(double[] a, int ao, double[] b, int m) {
        double h = 0;
        for (int k = 0; k < m; k++) h += Math.abs(a[ao + k] - b[k]);
        return h;
    }

    @Override double compute(int sample, int m, double[] y, int o, double[] target, int to, double[] grad, int go,
                             double[] hess, int ho) {
        Draws d = draw(sample, m, y, o, target, to);
        int samples = smoothing.samples();
        double[] values = new double[samples];
        double mean = 0;
        for (int s = 0; s < samples; s++) {
            values[s] = hamming(d.maps, s * m, d.truth, m);
            mean += values[s];
        }
        double base = smoothing.baseline() ? hamming(d.map0, 0, d.truth, m) : 0;
        Stein.gradient(d.eps, samples, m, values, base, smoothing.sigma(), grad, go);
        if (hess != null) Stein.hessian(d.eps, samples, m, values, base, smoothing.sigma(), hess, ho);
        return mean / samples;
    }
}
