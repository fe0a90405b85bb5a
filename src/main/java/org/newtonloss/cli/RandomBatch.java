package org.newtonloss.cli;

import java.util.SplittableRandom;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.InputKind;

/** Seeded random batches for {@code bench}: what a network might output, with valid ground truth. */
final class RandomBatch {
    private RandomBatch() {}

    /**
     * Ranking: standard normal scores and a random permutation of 0..n−1 as true values. Paths: costs uniform in
     * [0.5, 10) on a side×side grid and a random monotone 8-connected path from the top-left to the bottom-right cell.
     */
    static BatchInput create(InputKind kind, int n, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int m = kind.valuesPerSample(n);
        double[] inputs = new double[batch * m];
        double[] targets = new double[batch * m];
        for (int i = 0; i < batch; i++) {
            int o = i * m;
            if (kind == InputKind.RANKING) {
                for (int k = 0; k < m; k++) inputs[o + k] = rnd.nextGaussian();
                int[] perm = permutation(rnd, m);
                for (int k = 0; k < m; k++) targets[o + k] = perm[k];
            } else {
                for (int k = 0; k < m; k++) inputs[o + k] = 0.5 + 9.5 * rnd.nextDouble();
                int r = 0, c = 0;
                targets[o] = 1;
                while (r < n - 1 || c < n - 1) {
                    int move = r == n - 1 ? 1 : c == n - 1 ? 0 : rnd.nextInt(3); // 0 down, 1 right, 2 diagonal
                    if (move != 1) r++;
                    if (move != 0) c++;
                    targets[o + r * n + c] = 1;
                }
            }
        }
        return new BatchInput(kind, batch, m, inputs, targets);
    }

    private static int[] permutation(SplittableRandom rnd, int n) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) p[k] = k;
        for (int k = n - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int t = p[k];
            p[k] = p[j];
            p[j] = t;
        }
        return p;
    }
}
