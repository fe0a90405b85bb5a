package org.newtonloss.paths;

import org.newtonloss.loss.AlgorithmicLoss;

/**
 * Base of the three stochastic path losses: draws the noise of a sample, runs the exact solver on the unperturbed
 * and on the S perturbed cost maps, and leaves the results in a per-thread {@link Draws} for the subclass.
 *
 * <p>Network outputs are not guaranteed non-negative, and Dijkstra needs non-negative costs: the solver sees
 * max(θ + σε, 0) (and max(θ, 0) for the baseline). The estimators are those of the function composed with that
 * clamp, which is the identity wherever the costs are positive.
 */
abstract sealed class PerturbedPathLoss implements AlgorithmicLoss
        permits SmoothedLoss, SmoothedAlgorithmLoss, FenchelYoungLoss {
    final Smoothing smoothing;
    private final ThreadLocal<Draws> draws = ThreadLocal.withInitial(Draws::new);

    PerturbedPathLoss(Smoothing smoothing) { this.smoothing = smoothing; }

    public Smoothing smoothing() { return smoothing; }

    @Override public void checkDimension(int m) { GridShape.square(m); }

    /** The solver's results for one sample: ε (S×m), SP_s (S×m), their optimal costs, SP(θ) and its cost. */
    static final class Draws {
        int m, samples;
        double[] eps = new double[0], maps = new double[0], costs = new double[0], optimal = new double[0];
        double[] map0 = new double[0], scratch = new double[0], truth = new double[0];
        double optimal0;

        void ensure(int s, int mm) {
            if (eps.length < s * mm || map0.length != mm) {
                eps = new double[s * mm];
                maps = new double[s * mm];
                optimal = new double[s];
                map0 = new double[mm];
                costs = new double[mm];
                truth = new double[mm];
                scratch = new double[Math.max(mm * mm, s * s)];
            }
            if (optimal.length < s) optimal = new double[s];
            m = mm;
            samples = s;
        }
    }

    @Override public final double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        return compute(sample, m, y, sample * m, target, sample * m, grad, sample * m, hess, sample * m * m);
    }

    /** Float batches: the estimate is computed in double from the float inputs, with sample i's own draws. */
    @Override public final float evaluate(int sample, int m, float[] y, float[] target, float[] grad, float[] hess) {
        double[] yd = new double[m], td = new double[m], gd = new double[m];
        double[] hd = hess == null ? null : new double[m * m];
        for (int k = 0; k < m; k++) {
            yd[k] = y[sample * m + k];
            td[k] = target[sample * m + k];
        }
        double value = compute(sample, m, yd, 0, td, 0, gd, 0, hd, 0);
        for (int k = 0; k < m; k++) grad[sample * m + k] = (float) gd[k];
        if (hess != null) for (int k = 0; k < m * m; k++) hess[sample * m * m + k] = (float) hd[k];
        return (float) value;
    }

    /**
     * Loss, gradient (at {@code go}) and Hessian (at {@code ho}, if not null) of the costs at {@code y[o ..]} and
     * the true map at {@code target[to ..]}, with the draws of batch sample {@code sample}.
     */
    abstract double compute(int sample, int m, double[] y, int o, double[] target, int to, double[] grad, int go,
                            double[] hess, int ho);

    /** Validates the sample, draws its noise and solves every perturbed grid. */
    final Draws draw(int sample, int m, double[] y, int o, double[] target, int to) {
        GridShape grid = GridShape.square(m);
        for (int k = 0; k < m; k++) {
            double v = y[o + k];
            if (!Double.isFinite(v))
                throw new IllegalArgumentException(family() + ": cost of cell " + k + " of sample " + sample
                        + " must be finite, got " + v);
        }
        PathMaps.validate(grid, target, to);
        Draws d = draws.get();
        int samples = smoothing.samples();
        d.ensure(samples, m);
        System.arraycopy(target, to, d.truth, 0, m);
        smoothing.noise(sample, m, d.eps);
        for (int k = 0; k < m; k++) d.costs[k] = Math.max(y[o + k], 0);
        d.optimal0 = GridShortestPath.solve(grid, d.costs, 0, d.map0, 0);
        double sigma = smoothing.sigma();
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < m; k++) d.costs[k] = Math.max(y[o + k] + sigma * d.eps[s * m + k], 0);
            d.optimal[s] = GridShortestPath.solve(grid, d.costs, 0, d.maps, s * m);
        }
        return d;
    }

    /** This thread's draws, as the last {@link #draw} on this thread left them. */
    final Draws drawsOfThisThread() { return draws.get(); }

    abstract String family();

    @Override public String toString() { return spec(); }

    @Override public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((PerturbedPathLoss) o).spec().equals(spec());
    }

    @Override public int hashCode() { return spec().hashCode(); }
}
