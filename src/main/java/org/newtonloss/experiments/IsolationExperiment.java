package org.newtonloss.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.ranking.Ranks;

/**
 * The loss in isolation: the n scores of each problem are free parameters, started at random, and minimised by an
 * {@link Optimizer}. No network is involved, so this shows what each optimiser does to the loss itself, in seconds.
 *
 * <p>All {@code seeds} problems run together as one batch: per-sample curvatures (Hessian, Gauss-Newton) treat them
 * independently, while the shared ones (batch-mean Hessian, empirical Fisher) couple them exactly as they couple the
 * samples of a training batch. Each problem has its own true values; a problem "reaches the true order" at the
 * first step where the hard ranks of its scores equal the true ranks.
 */
public final class IsolationExperiment {

    /** What to run; {@code initScale} is the standard deviation of the random initial scores. */
    public record Config(AlgorithmicLoss loss, int n, int seeds, int steps, double initScale, long seed) {
        public Config {
            loss.checkDimension(n);
            if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            if (!(initScale > 0) || !Double.isFinite(initScale))
                throw new IllegalArgumentException("initScale must be finite and > 0, got " + initScale);
        }
    }

    /**
     * One optimiser's outcome over all problems: the fraction that reached the true order, the median step at which
     * they first did (NaN if none), the median final loss, and for Newton optimisers the fraction of systems whose
     * curvature the safeguard had to change (escalated or modified eigenvalues), over all steps.
     */
    public record Row(String optimizer, double reachedFraction, double medianStepsToReach, double medianFinalLoss,
                      double finalExactMatch, double safeguardedFraction, boolean diverged) {}

    private IsolationExperiment() {}

    private static final NewtonEngine ENGINE = new NewtonEngine();

    /** Runs every optimiser on the same problems (same initial scores and true values). */
    public static List<Row> run(Config config, List<Optimizer> optimizers) {
        List<Row> rows = new ArrayList<>();
        for (Optimizer o : optimizers) rows.add(run(config, o));
        return rows;
    }

    /** Runs one optimiser. Deterministic for a given config. */
    public static Row run(Config c, Optimizer optimizer) {
        int n = c.n(), batch = c.seeds();
        Random random = new Random(c.seed());
        double[] y = new double[batch * n];
        double[] target = new double[batch * n];
        for (int k = 0; k < y.length; k++) y[k] = c.initScale() * random.nextGaussian();
        for (int k = 0; k < target.length; k++) target[k] = random.nextGaussian();
        int[][] trueRanks = new int[batch][n];
        for (int i = 0; i < batch; i++) Ranks.stableAscendingRanks(target, i * n, n, trueRanks[i]);

        int[] reachedAt = new int[batch];
        Arrays.fill(reachedAt, -1);
        markReached(y, trueRanks, n, 0, reachedAt);
        double[] adamM = new double[y.length], adamV = new double[y.length];
        long systems = 0, safeguarded = 0;
        boolean diverged = false;
        double[] lastLoss = null;
        for (int step = 1; step <= c.steps(); step++) {
            Evaluation e = evaluate(c.loss(), optimizer, y, target, batch, n);
            lastLoss = e.loss();
            double[] update;
            switch (optimizer) {
                case Optimizer.GradientDescent gd -> update = scaled(e.grad(), gd.lr());
                case Optimizer.Adam adam -> update = adamUpdate(e.grad(), adamM, adamV, step, adam.lr());
                case Optimizer.Newton newton -> {
                    NewtonResult r = ENGINE.step(newton.options(), y, e.grad(), e.hess(), batch, n);
                    systems += r.status().length;
                    for (int s : r.status()) if (s != NewtonResult.STATUS_OK) safeguarded++;
                    update = scaled(r.step(), newton.lr());
                }
            }
            for (int k = 0; k < y.length; k++) y[k] -= update[k];
            if (!allFinite(y)) {
                diverged = true;
                break;
            }
            markReached(y, trueRanks, n, step, reachedAt);
        }
        double[] finalLoss = diverged ? null : Batches.evaluate(c.loss(), y, target, batch, n, false).loss();
        if (finalLoss == null) finalLoss = lastLoss;
        List<Double> steps = new ArrayList<>();
        for (int r : reachedAt) if (r >= 0) steps.add((double) r);
        int exact = 0;
        int[] ranks = new int[n];
        for (int i = 0; i < batch; i++) {
            Ranks.stableAscendingRanks(y, i * n, n, ranks);
            if (Arrays.equals(ranks, trueRanks[i])) exact++;
        }
        return new Row(optimizer.label(), steps.size() / (double) batch,
                steps.isEmpty() ? Double.NaN : median(steps.stream().mapToDouble(Double::doubleValue).toArray()),
                median(finalLoss.clone()), exact / (double) batch,
                systems == 0 ? 0 : safeguarded / (double) systems, diverged);
    }

    private static Evaluation evaluate(AlgorithmicLoss loss, Optimizer o, double[] y, double[] t, int batch, int n) {
        if (o instanceof Optimizer.Newton newton) {
            Curvature curvature = newton.options().curvature();
            if (curvature == Curvature.GAUSS_NEWTON) return Batches.evaluateGaussNewton(loss, y, t, batch, n);
            return Batches.evaluate(loss, y, t, batch, n, curvature.needsMatrices());
        }
        return Batches.evaluate(loss, y, t, batch, n, false);
    }

    private static void markReached(double[] y, int[][] trueRanks, int n, int step, int[] reachedAt) {
        int[] ranks = new int[n];
        for (int i = 0; i < reachedAt.length; i++) {
            if (reachedAt[i] >= 0) continue;
            for (int k = 0; k < n; k++) if (Double.isNaN(y[i * n + k])) return;
            Ranks.stableAscendingRanks(y, i * n, n, ranks);
            if (Arrays.equals(ranks, trueRanks[i])) reachedAt[i] = step;
        }
    }

    private static double[] scaled(double[] v, double s) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) out[k] = s * v[k];
        return out;
    }

    private static double[] adamUpdate(double[] g, double[] m, double[] v, int t, double lr) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
        double[] out = new double[g.length];
        for (int k = 0; k < g.length; k++) {
            m[k] = b1 * m[k] + (1 - b1) * g[k];
            v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
            out[k] = lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + eps);
        }
        return out;
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) if (!Double.isFinite(d)) return false;
        return true;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length;
        return k == 0 ? Double.NaN : (k % 2 == 1 ? s[k / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]));
    }
}
