package org.newtonloss.experiments;

import java.util.Arrays;
import java.util.Random;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.ranking.Ranks;

/**
 * A small, fast ranking task for comparing curvatures: items are feature vectors x ∈ R^d whose value is a fixed
 * nonlinear function of x (a random teacher network, v(x) = Σ_k c_k tanh(w_kᵀx)); a student network (one tanh
 * hidden layer) sees only the order of the n items of a set, through a ranking relaxation, and is trained with
 * Adam on the plain relaxation or on its Newton loss. Accuracy is measured on fixed held-out sets.
 *
 * <p>Everything is deterministic by seed: the teacher depends on {@code taskSeed} only, so runs with different
 * {@code seed} share the task and differ in the student's initialisation and the drawn training sets.
 */
public final class SyntheticRankingTask {

    /**
     * @param curvature null for the plain relaxation (the baseline); otherwise the Newton loss with these options
     */
    public record Config(AlgorithmicLoss loss, NewtonOptions curvature, int n, int steps, int setsPerStep,
                         double learningRate, int features, int hidden, int testSets, long seed, long taskSeed) {
        public Config {
            loss.checkDimension(n);
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            if (setsPerStep < 1) throw new IllegalArgumentException("setsPerStep must be >= 1, got " + setsPerStep);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
            if (features < 1 || hidden < 1 || testSets < 1)
                throw new IllegalArgumentException("features, hidden and testSets must be >= 1, got " + features
                        + ", " + hidden + ", " + testSets);
        }

        /** Defaults used by docs/curvature.md: d = 8, 32 hidden units, 20 sets per step, Adam 1e-2, 2,000 test sets. */
        public static Config defaults(AlgorithmicLoss loss, NewtonOptions curvature, int n, int steps, long seed) {
            return new Config(loss, curvature, n, steps, 20, 1e-2, 8, 32, 2000, seed, 12345L);
        }

        /** The same configuration with another Adam learning rate. */
        public Config withLearningRate(double lr) {
            return new Config(loss, curvature, n, steps, setsPerStep, lr, features, hidden, testSets, seed, taskSeed);
        }
    }

    /** Test accuracy after training, the final training loss (mean over the last 10% of steps), safeguard use. */
    public record Result(double exactMatch, double elementWise, double finalTrainLoss, double safeguardedFraction,
                         boolean diverged) {}

    private SyntheticRankingTask() {}

    private static final NewtonEngine ENGINE = new NewtonEngine();

    public static Result run(Config c) {
        Teacher teacher = new Teacher(c.features(), new Random(c.taskSeed()));
        Random rng = new Random(c.seed());
        Mlp student = new Mlp(c.features(), c.hidden(), rng);
        int n = c.n(), b = c.setsPerStep(), items = n * b;
        double[] x = new double[items * c.features()];
        double[] values = new double[items];
        double[] scores = new double[items];
        double lossTail = 0;
        int tailCount = 0;
        long systems = 0, safeguarded = 0;
        for (int step = 1; step <= c.steps(); step++) {
            for (int k = 0; k < x.length; k++) x[k] = rng.nextGaussian();
            teacher.values(x, items, values);
            student.forward(x, items, scores);
            for (double s : scores) if (!Double.isFinite(s)) return new Result(0, 0, Double.NaN, 0, true);
            boolean matrices = c.curvature() != null && c.curvature().curvature().needsMatrices();
            Evaluation e = c.curvature() != null && c.curvature().curvature() == Curvature.GAUSS_NEWTON
                    ? Batches.evaluateGaussNewton(c.loss(), scores, values, b, n)
                    : Batches.evaluate(c.loss(), scores, values, b, n, matrices);
            double[] dScores = new double[items];
            if (c.curvature() == null) {
                for (int k = 0; k < items; k++) dScores[k] = e.grad()[k] / b;
            } else {
                NewtonResult r = ENGINE.step(c.curvature(), scores, e.grad(), e.hess(), b, n);
                systems += r.status().length;
                for (int s : r.status()) if (s != NewtonResult.STATUS_OK) safeguarded++;
                for (int k = 0; k < items; k++) dScores[k] = r.step()[k] / b;
            }
            student.backwardAndAdam(x, items, dScores, c.learningRate());
            if (step > c.steps() - Math.max(1, c.steps() / 10)) {
                double mean = 0;
                for (double v : e.loss()) mean += v / b;
                lossTail += mean;
                tailCount++;
            }
        }
        double[] acc = evaluate(student, teacher, c, new Random(c.taskSeed() ^ 0x5DEECE66DL));
        return new Result(acc[0], acc[1], lossTail / tailCount, systems == 0 ? 0 : safeguarded / (double) systems,
                false);
    }

    private static double[] evaluate(Mlp student, Teacher teacher, Config c, Random rng) {
        int n = c.n();
        double[] x = new double[n * c.features()];
        double[] values = new double[n], scores = new double[n];
        int[] trueRanks = new int[n], predicted = new int[n];
        double exact = 0, elementWise = 0;
        for (int s = 0; s < c.testSets(); s++) {
            for (int k = 0; k < x.length; k++) x[k] = rng.nextGaussian();
            teacher.values(x, n, values);
            student.forward(x, n, scores);
            Ranks.stableAscendingRanks(values, 0, n, trueRanks);
            Ranks.stableAscendingRanks(scores, 0, n, predicted);
            int right = 0;
            for (int k = 0; k < n; k++) if (trueRanks[k] == predicted[k]) right++;
            if (right == n) exact++;
            elementWise += right / (double) n;
        }
        return new double[] {exact / c.testSets(), elementWise / c.testSets()};
    }

    /** The fixed value function v(x) = Σ_k c_k tanh(w_kᵀx) with 16 random units. */
    private static final class Teacher {
        private final int d;
        private final double[] w;
        private final double[] coef;

        Teacher(int d, Random r) {
            this.d = d;
            int units = 16;
            w = new double[units * d];
            coef = new double[units];
            for (int k = 0; k < w.length; k++) w[k] = r.nextGaussian() / Math.sqrt(d);
            for (int k = 0; k < units; k++) coef[k] = r.nextGaussian();
        }

        void values(double[] x, int items, double[] out) {
            for (int i = 0; i < items; i++) {
                double v = 0;
                for (int u = 0; u < coef.length; u++) {
                    double a = 0;
                    for (int k = 0; k < d; k++) a += w[u * d + k] * x[i * d + k];
                    v += coef[u] * Math.tanh(2 * a);
                }
                out[i] = v;
            }
        }
    }

    /** One tanh hidden layer, scalar output, trained with Adam (β1 0.9, β2 0.999). */
    private static final class Mlp {
        private final int d, h;
        private final double[] params;     // W1 (h×d), b1 (h), w2 (h), b2 (1)
        private final double[] grad, m, v;
        private int t;

        Mlp(int d, int h, Random r) {
            this.d = d;
            this.h = h;
            params = new double[h * d + 2 * h + 1];
            for (int k = 0; k < h * d; k++) params[k] = r.nextGaussian() / Math.sqrt(d);
            for (int k = 0; k < h; k++) params[h * d + h + k] = r.nextGaussian() / Math.sqrt(h);
            grad = new double[params.length];
            m = new double[params.length];
            v = new double[params.length];
        }

        void forward(double[] x, int items, double[] out) {
            for (int i = 0; i < items; i++) out[i] = score(x, i, null);
        }

        private double score(double[] x, int i, double[] z) {
            double s = params[params.length - 1];
            for (int u = 0; u < h; u++) {
                double a = params[h * d + u];
                for (int k = 0; k < d; k++) a += params[u * d + k] * x[i * d + k];
                double zu = Math.tanh(a);
                if (z != null) z[u] = zu;
                s += params[h * d + h + u] * zu;
            }
            return s;
        }

        void backwardAndAdam(double[] x, int items, double[] dScores, double lr) {
            Arrays.fill(grad, 0);
            double[] z = new double[h];
            for (int i = 0; i < items; i++) {
                score(x, i, z);
                double ds = dScores[i];
                grad[params.length - 1] += ds;
                for (int u = 0; u < h; u++) {
                    grad[h * d + h + u] += ds * z[u];
                    double da = ds * params[h * d + h + u] * (1 - z[u] * z[u]);
                    grad[h * d + u] += da;
                    for (int k = 0; k < d; k++) grad[u * d + k] += da * x[i * d + k];
                }
            }
            t++;
            double c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
            for (int k = 0; k < params.length; k++) {
                m[k] = 0.9 * m[k] + 0.1 * grad[k];
                v[k] = 0.999 * v[k] + 0.001 * grad[k] * grad[k];
                params[k] -= lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
            }
        }
    }
}
