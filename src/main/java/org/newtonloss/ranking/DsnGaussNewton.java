package org.newtonloss.ranking;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gauss-Newton form of a {@link DiffSortLoss}: the relaxed permutation matrix and its explicit Jacobian by
 * forward-mode differentiation through the sorting network (P and the wire values carried with n tangent lanes, one
 * per input direction). {@link #evaluate} is the loss's own {@link DiffSortLoss#evaluateGaussNewton} (the same
 * forward tangents inside its kernel, C = Σ_e f''_e ∇P_e ∇P_eᵀ / n²), which the tests check against this J.
 *
 * <p>A comparator on wires (a, b) with d = y_b − y_a and α = F(β d) maps the wire values to
 * {@code y_min = α y_a + (1−α) y_b = y_b − α d}, {@code y_max = y_a + α d} and the columns of P likewise
 * ({@code c_min = c_b − α D}, {@code c_max = c_a + α D}, D = c_b − c_a); along a direction, α̇ = F'(d) ḋ, so
 * {@code ċ_min = ċ_b − α Ḋ − α̇ D} and {@code ċ_max = ċ_a + α Ḋ + α̇ D} (same for y). Only α' is needed: unlike the
 * Hessian, C has no second derivatives of the comparators.
 *
 * <p>Cost of {@link #jacobian} with K comparators: O(K·n²); no tape.
 */
public final class DsnGaussNewton implements RankingGaussNewton {
    private final DiffSortLoss loss;
    private final ConcurrentHashMap<Integer, int[][]> networks = new ConcurrentHashMap<>();
    private final ThreadLocal<Work> works = new ThreadLocal<>();

    /** @param loss the DSN loss whose relaxation and parameters are used (read when a sample is evaluated) */
    public DsnGaussNewton(DiffSortLoss loss) {
        if (loss == null) throw new IllegalArgumentException("loss must not be null");
        this.loss = loss;
    }

    @Override
    public void jacobian(double[] x, int off, int n, double[] p, double[] jac) {
        loss.checkDimension(n);
        ArrayLengths.check("x", x, (long) off + n);
        ArrayLengths.check("p", p, (long) n * n);
        ArrayLengths.check("jac", jac, (long) n * n * n);
        checkScores(x, off, n, 0);
        Work w = work(n);
        forward(w, x, off);
        for (int wire = 0; wire < n; wire++) {
            for (int r = 0; r < n; r++) {
                int e = wire * n + r;
                p[r * n + wire] = w.col[e];
                System.arraycopy(w.dcol, e * n, jac, (r * n + wire) * n, n);
            }
        }
    }

    @Override
    public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] gaussNewton) {
        loss.checkDimension(m);
        int n = m, off = sample * n;
        ArrayLengths.check("y", y, (long) off + n);
        ArrayLengths.check("target", target, (long) off + n);
        ArrayLengths.check("grad", grad, (long) off + n);
        ArrayLengths.check("gaussNewton", gaussNewton, (long) sample * n * n + (long) n * n);
        return loss.evaluateGaussNewton(sample, m, y, target, grad, gaussNewton);
    }

    /** Runs the relaxed network with tangents; leaves P by columns in w.col and ∂P/∂x in w.dcol. */
    private void forward(Work w, double[] x, int off) {
        int n = w.n;
        double[] col = w.col, dcol = w.dcol, y = w.y, dy = w.dy, adot = w.adot, s = w.sig;
        Arrays.fill(col, 0.0);
        Arrays.fill(dcol, 0.0);
        Arrays.fill(dy, 0.0);
        for (int i = 0; i < n; i++) {
            col[i * n + i] = 1;
            y[i] = x[off + i];
            dy[i * n + i] = 1;
        }
        Sigmoid sigmoid = loss.sigmoid();
        double beta = loss.steepness(), lambda = loss.artLambda();
        int[] ca = w.net[0], cb = w.net[1], cmin = w.net[2], cmax = w.net[3];
        for (int c = 0; c < ca.length; c++) {
            int a = ca[c], b = cb[c], lo = cmin[c], hi = cmax[c];
            double ya = y[a], yb = y[b], d = yb - ya;
            sigmoid.evaluate(d, beta, lambda, s);
            double al = s[0], om = 1 - al, a1 = s[1];
            y[lo] = al * ya + om * yb;
            y[hi] = om * ya + al * yb;
            int an = a * n, bn = b * n, ln = lo * n, hn = hi * n;
            for (int t = 0; t < n; t++) {
                double ta = dy[an + t], tb = dy[bn + t], dd = tb - ta, ad = a1 * dd;
                adot[t] = ad;
                dy[ln + t] = tb - al * dd - ad * d;
                dy[hn + t] = ta + al * dd + ad * d;
            }
            for (int r = 0; r < n; r++) {
                double pa = col[an + r], pb = col[bn + r], dD = pb - pa;
                col[ln + r] = al * pa + om * pb;
                col[hn + r] = om * pa + al * pb;
                int ba = (an + r) * n, bb = (bn + r) * n, bl = (ln + r) * n, bh = (hn + r) * n;
                for (int t = 0; t < n; t++) {
                    double ta = dcol[ba + t], tb = dcol[bb + t], tD = tb - ta, q = adot[t] * dD;
                    dcol[bl + t] = tb - al * tD - q;
                    dcol[bh + t] = ta + al * tD + q;
                }
            }
        }
    }

    private Work work(int n) {
        Work w = works.get();
        if (w != null && w.n == n) return w;
        int[][] net = networks.computeIfAbsent(n, this::flatten);
        w = new Work(n, net);
        works.set(w);
        return w;
    }

    /** The comparators of the loss's network on n wires as {a, b, minWire, maxWire}, in execution order. */
    private int[][] flatten(int n) {
        SortingNetwork network = loss.sortingNetwork(n);
        int k = network.comparators();
        int[][] f = new int[4][k];
        int i = 0;
        for (SortingNetwork.Layer layer : network.layers()) {
            for (int c = 0; c < layer.size(); c++, i++) {
                f[0][i] = layer.a(c);
                f[1][i] = layer.b(c);
                f[2][i] = layer.minWire(c);
                f[3][i] = layer.maxWire(c);
            }
        }
        return f;
    }

    private static void checkScores(double[] y, int off, int n, int sample) {
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(y[off + k]))
                throw new IllegalArgumentException("scores of sample " + sample + ": y[" + k + "] = " + y[off + k]
                        + " is not finite");
        }
    }

    /** Per-thread state for one n: P by columns ({@code col[w*n + r]} = P[r][w]) and tangents innermost. */
    private static final class Work {
        final int n;
        final int[][] net;
        final double[] col, dcol, y, dy, adot;
        final double[] sig = new double[3];

        Work(int n, int[][] net) {
            this.n = n;
            this.net = net;
            col = new double[n * n];
            dcol = new double[Math.multiplyExact(n * n, n)];
            y = new double[n];
            dy = new double[n * n];
            adot = new double[n];
        }
    }

    @Override public String toString() { return "DsnGaussNewton(" + loss.spec() + ")"; }
}
