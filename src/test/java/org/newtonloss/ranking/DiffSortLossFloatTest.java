package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;

/** The float path agrees with the double path (same inputs, rounded to float) on a whole batch. */
class DiffSortLossFloatTest {
    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n, double steepness) {}

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (SortingNetworks.Type t : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (int n : new int[] {2, 5, 10, 16}) cases.add(new Case(t, s, n, 10));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void floatMatchesDouble(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        int n = c.n(), batch = 24;
        Random r = new Random(n * 7L + c.sigmoid().ordinal());
        float[] yf = new float[batch * n], tf = new float[batch * n];
        double[] yd = new double[batch * n], td = new double[batch * n];
        for (int k = 0; k < yf.length; k++) {
            yf[k] = (float) (0.7 * r.nextGaussian() / c.steepness());
            tf[k] = (float) (yf[k] + 0.7 * r.nextGaussian() / c.steepness());
            yd[k] = yf[k];
            td[k] = tf[k];
        }
        Evaluation d = Batches.evaluate(loss, yd, td, batch, n, true);
        EvaluationF32 f = Batches.evaluate(loss, yf, tf, batch, n, true);
        int compared = 0;
        for (int i = 0; i < batch; i++) {
            if (minMargin(c, yd, i * n) < 1e-3) continue;
            compared++;
            String at = c + " sample " + i;
            close(d.loss()[i], f.loss()[i], 1e-4, 1e-4 * d.loss()[i], at + " loss");
            double gScale = maxAbs(d.grad(), i * n, n), hScale = maxAbs(d.hess(), i * n * n, n * n);
            for (int k = 0; k < n; k++) close(d.grad()[i * n + k], f.grad()[i * n + k], 1e-4, 1e-4 * gScale, at + " grad[" + k + "]");
            for (int k = 0; k < n * n; k++)
                close(d.hess()[i * n * n + k], f.hess()[i * n * n + k], 1e-3, 1e-3 * hScale, at + " hess[" + k + "]");
        }
        if (compared < batch / 3) fail(c + ": only " + compared + " of " + batch + " samples unsaturated");
    }

    /**
     * min over the comparators of min(α, 1 − α). diffsort's arithmetic forms 1 − α by subtraction, so in float a
     * comparator with α within ε_f/tol of 0 or 1 carries a relative error above tol in 1 − α, and the entries of P
     * built from it (and their 1/p-weighted derivatives) inherit it: float and double are compared only on samples
     * with margin ≥ 1e-3, where agreement to 1e-4 is attainable.
     */
    static double minMargin(Case c, double[] y, int off) {
        SortingNetwork net = c.network().build(c.n());
        double[] w = java.util.Arrays.copyOfRange(y, off, off + c.n());
        double margin = 0.5;
        for (SortingNetwork.Layer layer : net.layers()) {
            for (int k = 0; k < layer.size(); k++) {
                double wa = w[layer.a(k)], wb = w[layer.b(k)];
                double a = c.sigmoid().alpha(wb - wa, c.steepness(), 0.25);
                margin = Math.min(margin, Math.min(a, 1 - a));
                w[layer.minWire(k)] = a * wa + (1 - a) * wb;
                w[layer.maxWire(k)] = (1 - a) * wa + a * wb;
            }
        }
        return margin;
    }

    static void close(double expected, double actual, double rtol, double atol, String what) {
        if (!Double.isFinite(actual) || Math.abs(actual - expected) > rtol * Math.abs(expected) + atol)
            fail(what + ": double " + expected + ", float " + actual);
    }

    static double maxAbs(double[] a, int off, int len) {
        double m = 0;
        for (int k = off; k < off + len; k++) m = Math.max(m, Math.abs(a[k]));
        return m;
    }
}
