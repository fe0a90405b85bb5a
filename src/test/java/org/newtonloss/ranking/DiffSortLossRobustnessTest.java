package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.spec.Losses;
import org.newtonloss.spec.SpecException;

/** Fuzz (no NaN/Inf on random and adversarial inputs), SPEC round trips and bad input. */
class DiffSortLossRobustnessTest {
    enum Kind { GAUSS, ALL_TIED, PAIRS_TIED, HUGE, TINY_GAPS, SORTED_DESCENDING }

    record Case(SortingNetworks.Type network, Sigmoid sigmoid, int n, double steepness, Kind kind, boolean hessian) {}

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (SortingNetworks.Type t : SortingNetworks.Type.values())
            for (Sigmoid s : Sigmoid.values())
                for (Kind kind : Kind.values())
                    for (double beta : new double[] {0.01, 10, 1e4}) {
                        cases.add(new Case(t, s, 7, beta, kind, true));
                        cases.add(new Case(t, s, 16, beta, kind, true));
                    }
        for (Sigmoid s : Sigmoid.values()) {
            cases.add(new Case(SortingNetworks.Type.ODD_EVEN, s, 64, 1e4, Kind.HUGE, true));
            cases.add(new Case(SortingNetworks.Type.BITONIC, s, 64, 10, Kind.PAIRS_TIED, true));
        }
        cases.add(new Case(SortingNetworks.Type.BITONIC, Sigmoid.CAUCHY, 1024, 1e4, Kind.HUGE, false));
        cases.add(new Case(SortingNetworks.Type.BITONIC, Sigmoid.LOGISTIC_PHI, 200, 10, Kind.PAIRS_TIED, false));
        cases.add(new Case(SortingNetworks.Type.BITONIC, Sigmoid.GAUSSIAN, 300, 100, Kind.GAUSS, false));
        return cases.stream();
    }

    static double[] scores(Kind kind, int n, Random r) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case GAUSS -> r.nextGaussian();
                case ALL_TIED -> 0.25;
                case PAIRS_TIED -> Math.floor(i / 2.0) * (r.nextBoolean() ? 1 : -1);
                case HUGE -> (r.nextBoolean() ? 1e6 : -1e6) * r.nextDouble();
                case TINY_GAPS -> 1 + i * 1e-12 * r.nextDouble();
                case SORTED_DESCENDING -> n - i;
            };
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void finiteEverywhere(Case c) {
        DiffSortLoss loss = new DiffSortLoss(c.network(), c.sigmoid(), c.steepness(), 0.25);
        Random r = new Random(c.n() + 31L * c.kind().ordinal());
        int n = c.n();
        double[] x = scores(c.kind(), n, r), t = new double[n];
        for (int i = 0; i < n; i++) t[i] = r.nextGaussian();
        double[] g = new double[n], h = c.hessian() ? new double[n * n] : null;
        double v = loss.evaluate(0, n, x, t, g, h);
        checkFinite(c + " double", v, g, h);
        float[] xf = new float[n], tf = new float[n], gf = new float[n], hf = c.hessian() ? new float[n * n] : null;
        for (int i = 0; i < n; i++) {
            xf[i] = (float) x[i];
            tf[i] = (float) t[i];
        }
        float vf = loss.evaluate(0, n, xf, tf, gf, hf);
        double[] gd = new double[n], hd = hf == null ? null : new double[n * n];
        for (int i = 0; i < n; i++) gd[i] = gf[i];
        if (hf != null) for (int i = 0; i < n * n; i++) hd[i] = hf[i];
        checkFinite(c + " float", vf, gd, hd);
    }

    static void checkFinite(String what, double value, double[] g, double[] h) {
        if (!Double.isFinite(value) || value < 0) fail(what + ": loss " + value);
        for (int i = 0; i < g.length; i++) if (!Double.isFinite(g[i])) fail(what + ": grad[" + i + "] = " + g[i]);
        if (h != null) for (int i = 0; i < h.length; i++) if (!Double.isFinite(h[i])) fail(what + ": hess[" + i + "] = " + h[i]);
    }

    @Test
    void specRoundTripsAndDefaults() {
        DiffSortLoss d = (DiffSortLoss) Losses.parse("dsn");
        assertEquals(new DiffSortLoss(), d);
        assertEquals("dsn:network=odd_even,sigmoid=cauchy,steepness=10", d.spec());
        for (String spec : new String[] {"dsn:network=bitonic,sigmoid=logistic_phi,steepness=20,art_lambda=0.5",
                "dsn:network=odd_even,sigmoid=optimal,steepness=2.5", "dsn:network=bitonic,sigmoid=gaussian,steepness=5"}) {
            DiffSortLoss l = (DiffSortLoss) Losses.parse(spec);
            assertEquals(spec, l.spec());
            assertEquals(l, Losses.parse(l.spec()));
        }
        assertEquals(0.5, ((DiffSortLoss) Losses.parse("dsn:sigmoid=logistic_phi,art_lambda=0.5")).artLambda());
    }

    @Test
    void badSpecsNameTheValue() {
        assertMessage(SpecException.class, () -> Losses.parse("dsn:sigmoid=tanh"), "tanh");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:network=bubble"), "bubble");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:steepness=0"), "steepness");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:steepness=-3"), "-3");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:steepnes=3"), "steepnes");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:sigmoid=cauchy,art_lambda=0.3"), "art_lambda=0.3");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:art_lambda=0.3"), "art_lambda=0.3");
        assertMessage(SpecException.class, () -> Losses.parse("dsn:sigmoid=logistic_phi,art_lambda=-1"), "-1");
    }

    @Test
    void badArgumentsNameTheValue() {
        DiffSortLoss loss = new DiffSortLoss();
        assertMessage(IllegalArgumentException.class,
                () -> new DiffSortLoss(SortingNetworks.Type.ODD_EVEN, Sigmoid.CAUCHY, 0, 0.25), "got 0.0");
        assertMessage(IllegalArgumentException.class,
                () -> new DiffSortLoss(SortingNetworks.Type.ODD_EVEN, Sigmoid.CAUCHY, Double.NaN, 0.25), "NaN");
        assertMessage(IllegalArgumentException.class, () -> loss.checkDimension(1), "got 1");
        assertMessage(IllegalArgumentException.class,
                () -> loss.evaluate(0, 1, new double[1], new double[1], new double[1], null), "got 1");
        double[] y = {0, 1, 2, 3, 4, Double.NaN}, t = {0, 1, 2, 3, 4, 5};
        assertMessage(IllegalArgumentException.class,
                () -> loss.evaluate(1, 3, y, t, new double[6], null), "sample 1: y[2] = NaN");
        float[] yf = {0, Float.POSITIVE_INFINITY, 2}, tf = {0, 1, 2};
        assertMessage(IllegalArgumentException.class,
                () -> loss.evaluate(0, 3, yf, tf, new float[3], null), "sample 0: y[1] = Infinity");
        double[] badT = {0, Double.NaN, 2};
        assertMessage(IllegalArgumentException.class,
                () -> loss.evaluate(0, 3, new double[3], badT, new double[3], null), "targets[1] is NaN");
        assertMessage(IllegalArgumentException.class,
                () -> loss.permutationMatrix(new double[3], 0, 3, new double[8]), "got 8");
    }

    static void assertMessage(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call, String part) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}
