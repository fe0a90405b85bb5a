package org.newtonloss.ranking;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * Test oracle: the DSN Hessian of one sample in {@link BigDecimal} arithmetic, by the kernels' algorithm
 * (kernels/nl_dsn.cuh: forward-over-reverse on dual numbers, one input direction and one row of P at a time), not
 * by {@link DsnKernel}'s column tangents. Only the comparator weights α, α', α'' come from {@link Sigmoid} in double
 * (at d rounded to double); everything else, 1 − α included, is exact to {@code digits} significant digits. So the
 * result is the exact Hessian of the function the CPU evaluates, and it satisfies H = Hᵀ and H·1 = 0 to those
 * digits even where the double evaluation cannot (see {@link DiffSortTiedHessianTest}).
 */
final class ExactDsnHessian {
    private final MathContext mc;

    ExactDsnHessian(int digits) {
        mc = new MathContext(digits);
    }

    /** Row-major n×n Hessian of the loss at scores x with targets t. */
    double[] hessian(DiffSortLoss loss, double[] x, double[] t) {
        int n = x.length;
        int[][] net = loss.network().build(n).flatten();
        int comps = net[0].length;
        int[] rank = new int[n];
        Ranks.stableAscendingRanks(t, 0, n, rank);
        BigDecimal inv = BigDecimal.ONE.divide(new BigDecimal(n * n), mc);
        BigDecimal clamp = new BigDecimal(Bce.P_CLAMP);
        double[] out = new double[n * n], w = new double[3];
        for (int dir = 0; dir < n; dir++) {
            Dual[] y = new Dual[n];
            for (int i = 0; i < n; i++) y[i] = new Dual(new BigDecimal(x[i]), i == dir ? BigDecimal.ONE : BigDecimal.ZERO);
            Dual[] alpha = new Dual[comps], slope = new Dual[comps], d = new Dual[comps], galpha = new Dual[comps];
            for (int c = 0; c < comps; c++) {
                int a = net[0][c], b = net[1][c];
                d[c] = y[b].sub(y[a], mc);
                loss.sigmoid().evaluate(d[c].v.doubleValue(), loss.steepness(), loss.artLambda(), w);
                alpha[c] = new Dual(new BigDecimal(w[0]), mul(new BigDecimal(w[1]), d[c].t));
                slope[c] = new Dual(new BigDecimal(w[1]), mul(new BigDecimal(w[2]), d[c].t));
                galpha[c] = Dual.ZERO;
                mix(net, c, alpha[c], y);
            }
            // rows of P, each mixed like the values; the reverse pass of its BCE accumulates ∂ℓ/∂α
            Dual[] r = new Dual[n], gr = new Dual[n], rd = new Dual[comps];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) r[j] = i == j ? Dual.ONE : Dual.ZERO;
                for (int c = 0; c < comps; c++) {
                    rd[c] = r[net[0][c]].sub(r[net[1][c]], mc);
                    mix(net, c, alpha[c], r);
                }
                for (int j = 0; j < n; j++) {
                    boolean q = rank[i] == j;
                    Dual p = q ? r[j] : Dual.ONE.sub(r[j], mc); // the probability whose log is taken
                    if (p.v.compareTo(clamp) <= 0) {
                        gr[j] = Dual.ZERO; // clamped log: constant
                    } else {
                        BigDecimal i1 = BigDecimal.ONE.divide(p.v, mc);
                        BigDecimal d1 = mul(q ? i1.negate() : i1, inv);
                        BigDecimal d2 = mul(mul(i1, i1), inv); // d²/dp² of either branch, times the row's p tangent
                        gr[j] = new Dual(d1, mul(d2, r[j].t));
                    }
                }
                for (int c = comps - 1; c >= 0; c--) {
                    Dual[] gmnMx = minMax(net, c, gr);
                    mixBack(net, c, alpha[c], gr, gmnMx);
                    galpha[c] = galpha[c].add(gmnMx[0].sub(gmnMx[1], mc).mul(rd[c], mc), mc);
                }
            }
            Dual[] g = new Dual[n];
            Arrays.fill(g, Dual.ZERO);
            for (int c = comps - 1; c >= 0; c--) {
                int a = net[0][c], b = net[1][c];
                Dual[] gmnMx = minMax(net, c, g);
                // ∂(min, max)/∂α = ±(y_a − y_b) = ∓d
                Dual gd = galpha[c].sub(gmnMx[0].sub(gmnMx[1], mc).mul(d[c], mc), mc).mul(slope[c], mc);
                mixBack(net, c, alpha[c], g, gmnMx);
                g[a] = g[a].sub(gd, mc);
                g[b] = g[b].add(gd, mc);
            }
            for (int i = 0; i < n; i++) out[i * n + dir] = g[i].t.doubleValue();
        }
        return out;
    }

    /** Comparator c on the wire values v: min = α v_a + (1−α) v_b to the min wire, max to the other. */
    private void mix(int[][] net, int c, Dual alpha, Dual[] v) {
        int a = net[0][c], b = net[1][c];
        Dual om = Dual.ONE.sub(alpha, mc), va = v[a], vb = v[b];
        Dual mn = alpha.mul(va, mc).add(om.mul(vb, mc), mc), mx = om.mul(va, mc).add(alpha.mul(vb, mc), mc);
        boolean up = net[2][c] == a;
        v[a] = up ? mn : mx;
        v[b] = up ? mx : mn;
    }

    /** The adjoints of comparator c's min and max outputs. */
    private static Dual[] minMax(int[][] net, int c, Dual[] g) {
        int a = net[0][c], b = net[1][c];
        boolean up = net[2][c] == a;
        return new Dual[] {up ? g[a] : g[b], up ? g[b] : g[a]};
    }

    /** Adjoints of the comparator's inputs from those of its outputs (α held fixed). */
    private void mixBack(int[][] net, int c, Dual alpha, Dual[] g, Dual[] gmnMx) {
        Dual om = Dual.ONE.sub(alpha, mc);
        g[net[0][c]] = alpha.mul(gmnMx[0], mc).add(om.mul(gmnMx[1], mc), mc);
        g[net[1][c]] = om.mul(gmnMx[0], mc).add(alpha.mul(gmnMx[1], mc), mc);
    }

    private BigDecimal mul(BigDecimal a, BigDecimal b) { return a.multiply(b, mc); }

    /** value + tangent·ε, ε² = 0; every operation rounds to the oracle's precision. */
    private record Dual(BigDecimal v, BigDecimal t) {
        static final Dual ZERO = new Dual(BigDecimal.ZERO, BigDecimal.ZERO);
        static final Dual ONE = new Dual(BigDecimal.ONE, BigDecimal.ZERO);

        Dual add(Dual o, MathContext mc) { return new Dual(v.add(o.v, mc), t.add(o.t, mc)); }
        Dual sub(Dual o, MathContext mc) { return new Dual(v.subtract(o.v, mc), t.subtract(o.t, mc)); }
        Dual mul(Dual o, MathContext mc) {
            return new Dual(v.multiply(o.v, mc), v.multiply(o.t, mc).add(t.multiply(o.v, mc), mc));
        }
    }
}
