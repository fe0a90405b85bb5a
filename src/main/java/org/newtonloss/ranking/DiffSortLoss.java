package org.newtonloss.ranking;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.newtonloss.loss.GaussNewtonLoss;
import org.newtonloss.spec.Spec;
import org.newtonloss.spec.SpecException;

/**
 * Differentiable sorting network loss (Petersen et al. 2021, 2022), as diffsort computes it: the relaxed
 * permutation matrix P of the scores by a relaxed {@link SortingNetworks odd-even or bitonic network}, then the
 * binary cross-entropy against the true permutation matrix Q, averaged over the n² entries with torch's log clamp
 * ({@link Bce}). Column convention: {@code P[i][j]} = weight of input i at ascending rank j, P starts as the
 * identity and every comparator mixes two columns; {@code Q[i][j] = 1} iff input i has rank j in the stable
 * ascending order of the targets ({@link Ranks}).
 *
 * <p>Value, gradient and the exact n×n Hessian per sample, in double and (with float arithmetic) in float. SPEC:
 * {@code dsn:network=odd_even|bitonic,sigmoid=<name>,steepness=S,art_lambda=L}, defaults odd_even, cauchy, 10,
 * 0.25; art_lambda only with {@code sigmoid=logistic_phi}.
 *
 * <p>Derivatives are those of the clamped loss, exactly; torch's BCE backward instead divides by
 * max(p(1−p), 1e-12). The double path is exact; the float path uses torch's floor (so its derivatives stay within
 * float range) and agrees with the double path wherever no entry has p(1−p) &lt; 1e-12.
 */
public final class DiffSortLoss implements GaussNewtonLoss {
    public static final SortingNetworks.Type DEFAULT_NETWORK = SortingNetworks.Type.ODD_EVEN;
    public static final Sigmoid DEFAULT_SIGMOID = Sigmoid.CAUCHY;
    public static final double DEFAULT_STEEPNESS = 10;
    public static final double DEFAULT_ART_LAMBDA = 0.25;
    /** Workspaces larger than this many doubles are not kept between calls. */
    private static final long CACHE_LIMIT = 1L << 24;

    private final SortingNetworks.Type network;
    private final Sigmoid sigmoid;
    private final double steepness;
    private final double artLambda;
    private final boolean torchCurvature;
    private final ConcurrentHashMap<Integer, int[][]> flatNetworks = new ConcurrentHashMap<>();
    private final ThreadLocal<DsnKernel> kernels = new ThreadLocal<>();

    /**
     * @param network   odd-even or bitonic
     * @param sigmoid   the comparator relaxation
     * @param steepness β &gt; 0, finite
     * @param artLambda λ of {@link Sigmoid#LOGISTIC_PHI} (finite, ≥ 0); ignored by the other families
     */
    public DiffSortLoss(SortingNetworks.Type network, Sigmoid sigmoid, double steepness, double artLambda) {
        this(network, sigmoid, steepness, artLambda, false);
    }

    private DiffSortLoss(SortingNetworks.Type network, Sigmoid sigmoid, double steepness, double artLambda,
                         boolean torchCurvature) {
        if (network == null) throw new IllegalArgumentException("network must not be null");
        if (sigmoid == null) throw new IllegalArgumentException("sigmoid must not be null");
        if (!(steepness > 0) || !Double.isFinite(steepness))
            throw new IllegalArgumentException("steepness must be finite and > 0, got " + steepness);
        if (!(artLambda >= 0) || !Double.isFinite(artLambda))
            throw new IllegalArgumentException("art_lambda must be finite and >= 0, got " + artLambda);
        this.network = network;
        this.sigmoid = sigmoid;
        this.steepness = steepness;
        this.artLambda = artLambda;
        this.torchCurvature = torchCurvature;
    }

    /**
     * This loss with torch's BCE second derivative (see {@link DsnKernel#torchD2}) in the double-precision Hessian,
     * to reproduce PyTorch's Hessians exactly in tests; the exact Hessian differs by a relative ~2e-12/p for
     * entries with small p.
     */
    DiffSortLoss withTorchBceCurvature() {
        return new DiffSortLoss(network, sigmoid, steepness, artLambda, true);
    }

    /** The defaults: odd-even network, cauchy, steepness 10. */
    public DiffSortLoss() {
        this(DEFAULT_NETWORK, DEFAULT_SIGMOID, DEFAULT_STEEPNESS, DEFAULT_ART_LAMBDA);
    }

    /** Builds the loss from a parsed {@code dsn:} SPEC, rejecting unknown keys and art_lambda without ART. */
    public static DiffSortLoss fromSpec(Spec spec) {
        SortingNetworks.Type network = spec.choice("network", SortingNetworks.Type.class, DEFAULT_NETWORK);
        Sigmoid sigmoid = spec.choice("sigmoid", Sigmoid.class, DEFAULT_SIGMOID);
        double steepness = spec.positive("steepness", DEFAULT_STEEPNESS);
        if (spec.has("art_lambda") && sigmoid != Sigmoid.LOGISTIC_PHI)
            throw new SpecException("SPEC '" + spec.text() + "': art_lambda=" + spec.values().get("art_lambda")
                    + " is only allowed with sigmoid=logistic_phi, got sigmoid=" + sigmoid.specName());
        double artLambda = spec.number("art_lambda", DEFAULT_ART_LAMBDA);
        if (artLambda < 0)
            throw new SpecException("SPEC '" + spec.text() + "': art_lambda must be >= 0, got " + artLambda);
        spec.requireAllUsed("network", "sigmoid", "steepness", "art_lambda");
        return new DiffSortLoss(network, sigmoid, steepness, artLambda);
    }

    public SortingNetworks.Type network() { return network; }
    public Sigmoid sigmoid() { return sigmoid; }
    public double steepness() { return steepness; }
    public double artLambda() { return artLambda; }

    @Override public String spec() {
        String s = "dsn:network=" + network.specName() + ",sigmoid=" + sigmoid.specName() + ",steepness="
                + fmt(steepness);
        return sigmoid == Sigmoid.LOGISTIC_PHI ? s + ",art_lambda=" + fmt(artLambda) : s;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override public void checkDimension(int m) {
        if (m < 2) throw new IllegalArgumentException("m (items per sample) must be >= 2 for dsn, got " + m);
    }

    /** The network this loss runs on n items. */
    public SortingNetwork sortingNetwork(int n) {
        checkDimension(n);
        return network.build(n);
    }

    private int[][] flat(int n) {
        return flatNetworks.computeIfAbsent(n, m -> network.build(m).flatten());
    }

    private DsnKernel kernel(int n) {
        DsnKernel kern = kernels.get();
        if (kern != null && kern.n == n) return kern;
        int[][] net = flat(n);
        kern = new DsnKernel(n, net, sigmoid, steepness, artLambda, torchCurvature);
        if (DsnKernel.footprint(n, net[0].length) <= CACHE_LIMIT) kernels.set(kern);
        return kern;
    }


    @Override
    public double evaluate(int sample, int m, double[] y, double[] target, double[] grad, double[] hess) {
        checkDimension(m);
        int off = sample * m;
        checkScores(y, off, m, sample);
        DsnKernel kern = kernel(m);
        Ranks.stableAscendingRanksNoAlloc(target, off, m, kern.rank);
        return kern.evaluate(y, off, grad, off, hess, sample * m * m);
    }

    /**
     * Loss, gradient and the generalised Gauss-Newton matrix {@code Jᵀ (∂²ℓ/∂P²) J}, {@code J = ∂P/∂y} (row-major
     * m×m at {@code sample*m*m}): positive semi-definite, and like the Hessian it annihilates the all-ones vector.
     */
    @Override
    public double evaluateGaussNewton(int sample, int m, double[] y, double[] target, double[] grad,
                                      double[] gaussNewton) {
        checkDimension(m);
        int off = sample * m;
        checkScores(y, off, m, sample);
        DsnKernel kern = kernel(m);
        Ranks.stableAscendingRanksNoAlloc(target, off, m, kern.rank);
        return kern.evaluateGaussNewton(y, off, grad, off, gaussNewton, sample * m * m);
    }

    @Override
    public float evaluate(int sample, int m, float[] y, float[] target, float[] grad, float[] hess) {
        checkDimension(m);
        int off = sample * m;
        for (int k = 0; k < m; k++) {
            if (!Float.isFinite(y[off + k]))
                throw new IllegalArgumentException("scores of sample " + sample + ": y[" + k + "] = " + y[off + k]
                        + " is not finite");
        }
        // Computed in double and rounded once: diffsort's formulation forms 1 − α by subtraction, which in float
        // rounds to 0 once α > 1 − 6e-8 (ordinary inputs at steepness 10), turning P entries of 1e-8 into 0 that then
        // hit the BCE clamp: loss and gradient wrong by O(1) (DiffSortFloatAgreementTest). The softmax losses, the
        // engine and the CUDA f32 kernels do the same.
        DsnKernel kern = kernel(m);
        FloatScratch w = floatScratch.get().fit(m);
        for (int k = 0; k < m; k++) w.x[k] = y[off + k];
        Ranks.stableAscendingRanksNoAlloc(target, off, m, kern.rank);
        double value = kern.evaluate(w.x, 0, w.g, 0, hess == null ? null : w.h, 0);
        for (int k = 0; k < m; k++) grad[off + k] = (float) w.g[k];
        if (hess != null) {
            int hOff = sample * m * m;
            for (int k = 0; k < m * m; k++) hess[hOff + k] = (float) w.h[k];
        }
        return (float) value;
    }

    /** Per-thread double buffers of the float entry point (no allocation per sample). */
    private static final class FloatScratch {
        double[] x = new double[0], g = new double[0], h = new double[0];

        FloatScratch fit(int m) {
            if (x.length != m) {
                x = new double[m];
                g = new double[m];
                h = new double[m * m];
            }
            return this;
        }
    }

    private static final ThreadLocal<FloatScratch> floatScratch = ThreadLocal.withInitial(FloatScratch::new);

    /**
     * The relaxed permutation matrix of the n scores {@code x[off .. off+n)}, row-major into {@code p[0 .. n²)}:
     * {@code p[i*n + j]} = weight of input i at ascending rank j (rows and columns sum to 1).
     */
    public void permutationMatrix(double[] x, int off, int n, double[] p) {
        checkDimension(n);
        checkScores(x, off, n, 0);
        if (p.length < n * n) throw new IllegalArgumentException("p.length must be >= n*n = " + n * n + ", got " + p.length);
        kernel(n).permutationMatrix(x, off, p, 0);
    }

    /** The soft-sorted scores (ascending), {@code xᵀP}, of {@code x[off .. off+n)} into {@code out[0 .. n)}. */
    public void softSort(double[] x, int off, int n, double[] out) {
        checkDimension(n);
        checkScores(x, off, n, 0);
        if (out.length < n) throw new IllegalArgumentException("out.length must be >= n = " + n + ", got " + out.length);
        kernel(n).softSorted(x, off, out, 0);
    }

    private static void checkScores(double[] y, int off, int m, int sample) {
        for (int k = 0; k < m; k++) {
            if (!Double.isFinite(y[off + k]))
                throw new IllegalArgumentException("scores of sample " + sample + ": y[" + k + "] = " + y[off + k]
                        + " is not finite");
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof DiffSortLoss l && network == l.network && sigmoid == l.sigmoid
                && Double.compare(steepness, l.steepness) == 0 && Double.compare(artLambda, l.artLambda) == 0
                && torchCurvature == l.torchCurvature;
    }

    @Override public int hashCode() {
        return java.util.Objects.hash(network, sigmoid, steepness, artLambda, torchCurvature);
    }

    @Override public String toString() {
        return String.format(Locale.ROOT, "DiffSortLoss(%s)", spec());
    }
}
