package org.newtonloss.paths;

import java.util.Arrays;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.spec.Spec;

/**
 * Stochastic smoothing of the loss: ℓ_σ(θ) = E_ε[ℓ(θ + σε)] with ℓ = Hamming distance Σ_i |SP(θ)_i − y_i|
 * between the exact shortest path and the true path. Value, gradient and Hessian are the Monte-Carlo and Stein
 * estimates of {@link Stein} with the baseline ℓ(θ) (METHOD.md §3.6). SPEC
 * {@code smooth-loss:samples=10,sigma=0.1,seed=1[,antithetic=true][,baseline=false]}.
 *
 * <p><b>Gauss-Newton.</b> For 0/1 maps the Hamming distance is linear in the map, |p − y| = p(1 − 2y) + y, so
 * ℓ_σ(θ) = Σ_i |p_σ(θ)_i − y_i| with p_σ = E[SP(θ + σε)] the smoothed map: this loss is the L1 loss of
 * {@link SmoothedAlgorithmLoss} (same draws, same value and gradient estimates up to rounding). Its literal
 * Gauss-Newton matrix is 0 (the outer loss is linear); {@link #evaluateGaussNewton} returns the L2 surrogate
 * 2JᵀJ of that class instead, J the Stein Jacobian of p_σ from the same draws: positive semi-definite.
 */
public final class SmoothedLoss extends PerturbedPathLoss implements GaussNewtonLoss {
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

    /** Loss and gradient as {@link #evaluate}; C = 2JᵀJ, the L2 surrogate (see the class comment). */
    @Override
    public double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        double value = compute(sample, m, y, sample * m, target, sample * m, grad, sample * m, null, 0);
        Draws d = drawsOfThisThread(); // the draws compute() just made
        int samples = smoothing.samples();
        double[] delta = new double[samples * m];
        for (int s = 0; s < samples; s++)
            for (int k = 0; k < m; k++) delta[s * m + k] = d.maps[s * m + k] - (smoothing.baseline() ? d.map0[k] : 0);
        int ho = sample * m * m;
        Arrays.fill(gaussNewton, ho, ho + m * m, 0.0);
        Stein.addGaussNewton(d.eps, samples, m, delta, m, smoothing.sigma(), gaussNewton, ho);
        return value;
    }
}
