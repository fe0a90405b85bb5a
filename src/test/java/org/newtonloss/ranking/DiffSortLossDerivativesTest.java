package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.testing.FiniteDifferences;

/** Gradient and Hessian of the DSN loss against central finite differences in double, and their invariants. */
class DiffSortLossDerivativesTest {
    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n, double steepness, long seed) {
        @Override public String toString() {
            return network.specName() + "/" + sigmoid.specName() + " n=" + n + " β=" + steepness;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 100;
        for (SortingNetworks.Type net : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values()) {
                for (int n : new int[] {2, 3, 4, 5, 7, 8, 13, 16})
                    for (double beta : new double[] {1, 5, 20}) cases.add(new Case(net, s, n, beta, seed++));
                cases.add(new Case(net, s, 32, 5, seed++));
            }
        cases.add(new Case(SortingNetworks.Type.ODD_EVEN, Sigmoid.CAUCHY, 64, 5, 7));
        cases.add(new Case(SortingNetworks.Type.BITONIC, Sigmoid.LOGISTIC, 64, 5, 8));
        return cases.stream();
    }

    /**
     * Scores whose comparators all stay away from the places where finite differences are not valid: saturation
     * (α within 1e-6 of 0 or 1, where 1 − α is quantised in double and the loss becomes a staircase), ART's cusp at
     * d = 0, reciprocal's kink at v = 0 and optimal's kinks at |v| = ¼. Scores are N(0, s²) with s a couple of
     * comparator widths (1/β), shrunk until no comparator is near such a place; targets = scores + noise so that
     * the true order is partly wrong (non-trivial loss).
     */
    static double[][] sample(Case c) {
        Random r = new Random(c.seed());
        double scale = 2 / c.steepness();
        for (int attempt = 0; attempt < 1000; attempt++) {
            double[] x = new double[c.n()], t = new double[c.n()];
            for (int i = 0; i < c.n(); i++) {
                x[i] = scale * r.nextGaussian();
                t[i] = x[i] + scale * r.nextGaussian();
            }
            int verdict = safeForFiniteDifferences(c, x);
            if (verdict == SAFE) return new double[][] {x, t};
            if (attempt % 10 == 9) scale *= verdict == SATURATED ? 0.8 : 1.1;
        }
        throw new IllegalStateException(c + ": no sample away from kinks found");
    }

    /** Runs the relaxed network on x and checks every comparator's d against the family's unsafe places. */
    static final int SAFE = 0, SATURATED = 1, NEAR_KINK = 2;

    static int safeForFiniteDifferences(Case c, double[] x) {
        SortingNetwork net = c.network().build(c.n());
        double[] y = x.clone();
        double beta = c.steepness();
        for (SortingNetwork.Layer layer : net.layers()) {
            for (int k = 0; k < layer.size(); k++) {
                double ya = y[layer.a(k)], yb = y[layer.b(k)], d = yb - ya, v = beta * d;
                double a = c.sigmoid().alpha(d, beta, 0.25);
                if (a < 1e-6 || a > 1 - 1e-6) return SATURATED;
                boolean nearKink = switch (c.sigmoid()) {
                    case LOGISTIC_PHI -> Math.abs(d) < 1e-2; // |d|^(−λ) cusp: higher derivatives blow up
                    case RECIPROCAL -> Math.abs(v) < 1e-3;
                    case OPTIMAL -> Math.abs(Math.abs(v) - 0.25) < 1e-3;
                    default -> false;
                };
                if (nearKink) return NEAR_KINK;
                y[layer.minWire(k)] = a * ya + (1 - a) * yb;
                y[layer.maxWire(k)] = (1 - a) * ya + a * yb;
            }
        }
        return SAFE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientAndHessianMatchFiniteDifferences(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        double[][] s = sample(c);
        int n = c.n();
        double[] g = new double[n], h = new double[n * n];
        double value = loss.evaluate(0, n, s[0], s[1], g, h);
        assertTrue(Double.isFinite(value) && value >= 0, "loss " + value);

        // Steps shrink with the steepness: the truncation error grows like (β·step)².
        double step = 1e-5 / Math.max(1, c.steepness() / 5);
        double[] gFd = FiniteDifferences.gradient(loss, s[0], s[1], n, step);
        double[] hFd = FiniteDifferences.hessian(loss, s[0], s[1], n, step);
        assertScaledClose(gFd, g, 2e-6, c + " gradient");
        assertScaledClose(hFd, h, 2e-6, c + " hessian");

        double hMax = maxAbs(h), gMax = maxAbs(g);
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < n; j++) {
                rowSum += h[i * n + j];
                if (Math.abs(h[i * n + j] - h[j * n + i]) > 1e-12 * hMax)
                    fail(c + ": H[" + i + "][" + j + "] = " + h[i * n + j] + " but H[" + j + "][" + i + "] = " + h[j * n + i]);
            }
            if (Math.abs(rowSum) > 1e-11 * hMax * n) fail(c + ": (H·1)[" + i + "] = " + rowSum + ", max |H| " + hMax);
        }
        double gSum = 0;
        for (double v : g) gSum += v;
        if (Math.abs(gSum) > 1e-12 * gMax * n) fail(c + ": g·1 = " + gSum + ", max |g| " + gMax);
    }

    /** |a − e| ≤ rtol·(|e| + max|e|): relative per entry, with the array's scale as floor for tiny entries. */
    static void assertScaledClose(double[] expected, double[] actual, double rtol, String what) {
        double scale = maxAbs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tol = rtol * (Math.abs(expected[i]) + scale) + 1e-300;
            if (!Double.isFinite(actual[i]) || Math.abs(actual[i] - expected[i]) > tol)
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (scale " + scale + ")");
        }
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
