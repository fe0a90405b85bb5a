package org.newtonloss.train;

import org.newtonloss.ranking.Ranks;

/**
 * Ranking accuracy over sets: exact match (the fraction of sets whose whole predicted order is right) and
 * element-wise (the fraction of items whose predicted rank is right). Predicted ranks are the stable ascending
 * ranks of the scores, true ranks those of the true values (ties keep input order in both).
 */
public record Accuracy(double exactMatch, double elementWise) {
    /** Accuracy of {@code scores} against {@code truth}, each n consecutive entries one set. */
    public static Accuracy of(double[] scores, double[] truth, int n) {
        if (scores.length != truth.length)
            throw new IllegalArgumentException("scores and truth must have equal lengths: " + scores.length + " vs " + truth.length);
        if (n < 1 || scores.length % n != 0 || scores.length == 0)
            throw new IllegalArgumentException(scores.length + " scores are not a whole number of sets of n = " + n);
        int sets = scores.length / n;
        int[] p = new int[n], t = new int[n];
        long exact = 0, elements = 0;
        for (int s = 0; s < sets; s++) {
            for (int i = 0; i < n; i++)
                if (Double.isNaN(scores[s * n + i]))
                    throw new IllegalArgumentException("score " + (s * n + i) + " is NaN");
            Ranks.stableAscendingRanks(scores, s * n, n, p);
            Ranks.stableAscendingRanks(truth, s * n, n, t);
            int right = 0;
            for (int i = 0; i < n; i++) if (p[i] == t[i]) right++;
            elements += right;
            if (right == n) exact++;
        }
        return new Accuracy((double) exact / sets, (double) elements / scores.length);
    }
}
