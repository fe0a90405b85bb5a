package org.newtonloss.ranking;

/**
 * Hard ranking accuracy of predicted scores against true values, per sample and as batch means: exact match (all
 * n ranks right) and element-wise accuracy (fraction of the n items whose rank is right). Both orders are the
 * stable ascending argsort ({@link Ranks}), so ranks are compared, not scores.
 *
 * <p>Ties: a tie in the predicted scores is broken by input order, like a tie in the true values. A tied
 * prediction therefore counts as right exactly when the true order of the tied items is their input order
 * (scores [1, 1, 2] against values [4, 5, 6] are an exact match; against [5, 4, 6] they are not). Infinite scores
 * rank like any other; NaN scores or values are rejected.
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /** Batch means of the two metrics. */
    public record Accuracy(double exactMatch, double elementWise) {}

    /** Number of items whose predicted rank equals the true rank, for sample {@code sample} of a flat batch. */
    public static int correctRanks(double[] scores, double[] targets, int sample, int n) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        int off = sample * n;
        if (off + n > scores.length || off + n > targets.length)
            throw new IllegalArgumentException("sample " + sample + " with n = " + n + " needs " + (off + n)
                    + " values, got scores " + scores.length + ", targets " + targets.length);
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[off + i])) throw new IllegalArgumentException("scores[sample " + sample + "][" + i + "] is NaN");
            if (Double.isNaN(targets[off + i])) throw new IllegalArgumentException("targets[sample " + sample + "][" + i + "] is NaN");
        }
        int[] predicted = Ranks.stableArgsort(scores, off, n);
        int[] truth = Ranks.stableArgsort(targets, off, n);
        int right = 0;
        for (int k = 0; k < n; k++) if (predicted[k] == truth[k]) right++; // same item at ascending position k
        return right;
    }

    /** Whether every rank of the sample is right. */
    public static boolean exactMatch(double[] scores, double[] targets, int sample, int n) {
        return correctRanks(scores, targets, sample, n) == n;
    }

    /** Fraction of the sample's items whose rank is right. */
    public static double elementWise(double[] scores, double[] targets, int sample, int n) {
        return correctRanks(scores, targets, sample, n) / (double) n;
    }

    /** Batch means over samples 0..batch-1 of flat row-major arrays of batch·n values. */
    public static Accuracy evaluate(double[] scores, double[] targets, int batch, int n) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (scores.length != batch * n || targets.length != batch * n)
            throw new IllegalArgumentException("expected batch*n = " + batch + "*" + n + " = " + batch * n
                    + " scores and targets, got " + scores.length + " and " + targets.length);
        int exact = 0;
        long right = 0;
        for (int s = 0; s < batch; s++) {
            int r = correctRanks(scores, targets, s, n);
            right += r;
            if (r == n) exact++;
        }
        return new Accuracy(exact / (double) batch, right / ((double) batch * n));
    }

    /** {@link #evaluate(double[], double[], int, int)} for float batches (float → double is exact: same orders). */
    public static Accuracy evaluate(float[] scores, float[] targets, int batch, int n) {
        double[] s = new double[scores.length];
        double[] t = new double[targets.length];
        for (int i = 0; i < s.length; i++) s[i] = scores[i];
        for (int i = 0; i < t.length; i++) t[i] = targets[i];
        return evaluate(s, t, batch, n);
    }
}
