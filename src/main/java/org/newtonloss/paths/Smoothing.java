package org.newtonloss.paths;

import java.util.SplittableRandom;
import org.newtonloss.spec.Spec;
import org.newtonloss.spec.SpecException;

/**
 * Gaussian perturbation settings shared by the stochastic path losses, and the noise they draw.
 *
 * <p>Sample i of a batch uses the noise ε_1..ε_S ~ N(0, I_m) of a generator seeded from (seed, i) alone, so a
 * sample's estimate does not depend on the batch it sits in, the thread that computes it or the precision. With
 * {@code antithetic} the draws come in pairs (ε, −ε) (S must then be even), which cancels odd-order noise.
 *
 * @param samples    S ≥ 1 perturbations per sample (the paper uses 3, 10, 30)
 * @param sigma      noise scale σ > 0
 * @param seed       base seed
 * @param antithetic draw pairs (ε, −ε)
 * @param baseline   subtract the unperturbed value from each perturbed one (variance reduction; still unbiased)
 */
public record Smoothing(int samples, double sigma, long seed, boolean antithetic, boolean baseline) {
    public Smoothing {
        if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        if (antithetic && samples % 2 != 0)
            throw new IllegalArgumentException("samples must be even with antithetic=true, got " + samples);
    }

    /** Reads samples, sigma, seed, antithetic, baseline (defaults 10, 0.1, 1, false, true). */
    static Smoothing fromSpec(Spec s) {
        int samples;
        try {
            samples = s.integer("samples", 10, 1);
            return new Smoothing(samples, s.positive("sigma", 0.1), s.longValue("seed", 1),
                    s.bool("antithetic", false), s.bool("baseline", true));
        } catch (IllegalArgumentException e) {
            if (e instanceof SpecException) throw e;
            throw new SpecException("SPEC '" + s.text() + "': " + e.getMessage());
        }
    }

    /** The keys {@link #fromSpec} reads. */
    static final String[] KEYS = {"samples", "sigma", "seed", "antithetic", "baseline"};

    /** ",samples=..,sigma=..,seed=..[,antithetic=true][,baseline=false]" for spec(). */
    String specSuffix() {
        return ",samples=" + samples + ",sigma=" + sigma + ",seed=" + seed + (antithetic ? ",antithetic=true" : "")
                + (baseline ? "" : ",baseline=false");
    }

    /** Fills {@code eps[0 .. S·m)} (row s = ε_s) with the noise of batch sample {@code sample}. */
    public void noise(int sample, int m, double[] eps) {
        SplittableRandom random = new SplittableRandom(mix(seed, sample));
        int fresh = antithetic ? samples / 2 : samples;
        for (int s = 0; s < fresh; s++) {
            int row = (antithetic ? 2 * s : s) * m;
            for (int k = 0; k < m; k++) eps[row + k] = random.nextGaussian();
            if (antithetic) for (int k = 0; k < m; k++) eps[row + m + k] = -eps[row + k];
        }
    }

    private static long mix(long seed, int sample) {
        long z = seed * 0x9E3779B97F4A7C15L + (sample + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
