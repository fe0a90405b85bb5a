package org.newtonloss.ranking;

/**
 * Binary cross-entropy of one entry of a relaxed permutation matrix against its 0/1 target, with torch's
 * BCELoss clamp: each log is clamped at −100. The derivatives are those of the clamped function, exactly:
 * where a log is clamped its derivative is 0 (torch instead divides by max(p(1−p), 1e-12); see docs).
 */
public final class Bce {
    /** torch.nn.BCELoss clamps log(p) and log(1−p) from below at this value. */
    public static final double LOG_CLAMP = -100.0;
    /** exp(LOG_CLAMP): below this probability the log is clamped. */
    public static final double P_CLAMP = Math.exp(LOG_CLAMP);

    private Bce() {}

    /** −[q log p + (1−q) log(1−p)] for q ∈ {0, 1}. */
    public static double value(double p, boolean q) {
        return q ? -clampedLog(p) : -clampedLog(1 - p);
    }

    /** d/dp of {@link #value}. */
    public static double d1(double p, boolean q) {
        if (q) return p > P_CLAMP ? -1 / p : 0;
        double r = 1 - p;
        return r > P_CLAMP ? 1 / r : 0;
    }

    /** d²/dp² of {@link #value} (≥ 0: BCE is convex in p). */
    public static double d2(double p, boolean q) {
        if (q) return p > P_CLAMP ? 1 / (p * p) : 0;
        double r = 1 - p;
        return r > P_CLAMP ? 1 / (r * r) : 0;
    }

    static double clampedLog(double p) {
        return p > P_CLAMP ? Math.log(p) : LOG_CLAMP;
    }
}
