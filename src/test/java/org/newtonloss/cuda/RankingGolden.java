package org.newtonloss.cuda;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.ranking.Ranks;
import org.newtonloss.spec.Losses;

/**
 * Golden cases of every ranking family (both networks × six sigmoids, NeuralSort, SoftSort p ∈ {1, 2}) computed
 * by the CPU losses in double. Batches mix Gaussian scores at two scales and exact ties; a second, double-only
 * case per family adds wide (saturating) scores, where float results legitimately differ.
 */
final class RankingGolden {
    private RankingGolden() {}

    /** Family specs checked, each at several n. */
    static final List<String> SPECS = List.of(
            "dsn:network=odd_even,sigmoid=logistic,steepness=10",
            "dsn:network=odd_even,sigmoid=logistic_phi,steepness=10,art_lambda=0.25",
            "dsn:network=odd_even,sigmoid=gaussian,steepness=5",
            "dsn:network=odd_even,sigmoid=reciprocal,steepness=10",
            "dsn:network=odd_even,sigmoid=cauchy,steepness=10",
            "dsn:network=odd_even,sigmoid=optimal,steepness=10",
            "dsn:network=bitonic,sigmoid=logistic,steepness=20",
            "dsn:network=bitonic,sigmoid=logistic_phi,steepness=5,art_lambda=0.25",
            "dsn:network=bitonic,sigmoid=gaussian,steepness=20",
            "dsn:network=bitonic,sigmoid=reciprocal,steepness=5",
            "dsn:network=bitonic,sigmoid=cauchy,steepness=20",
            "dsn:network=bitonic,sigmoid=optimal,steepness=5",
            "neuralsort:tau=1",
            "neuralsort:tau=0.3",
            "softsort:tau=1,power=1",
            "softsort:tau=0.1,power=2");

    static final int[] SIZES = {2, 5, 7, 16};

    /**
     * Golden file of the cases, all compared in full. The former "known divergences" (DSN Gaussian, and wide
     * logistic / ART at n = 16) agree with the kernel math since the CPU's forward tangents use diffsort's mixing
     * form (ee5ab91), so no case is held to the invariants only any more.
     */
    static final String FILE = "ranking.txt";

    /** Writes {@link #FILE} under {@code dir}. */
    static void write(Path dir) throws IOException {
        Random rnd = new Random(5);
        try (GoldenWriter w = new GoldenWriter(dir.resolve(FILE))) {
            for (String spec : SPECS)
                for (int n : SIZES) {
                    writeCase(w, spec, n, batch(rnd, n, 6, false), "both");
                    writeCase(w, spec, n, batch(rnd, n, 3, true), "double");
                }
        }
    }

    /** Scores and targets: Gaussian (scale 1 or 0.25), one exact tie in the scores; wide = scale 100. */
    static double[][] batch(Random rnd, int n, int batch, boolean wide) {
        double[] x = new double[batch * n], t = new double[batch * n];
        for (int s = 0; s < batch; s++) {
            double scale = wide ? 100 : (s % 2 == 0 ? 1 : 0.25);
            for (int i = 0; i < n; i++) {
                // float-representable scores: the float kernels then read exactly what the golden was computed on
                x[s * n + i] = (float) (scale * rnd.nextGaussian());
                t[s * n + i] = x[s * n + i] + scale * rnd.nextGaussian();
            }
            if (!wide && s == batch - 1) x[s * n + 1] = x[s * n];  // an exact tie between wires 0 and 1
        }
        return new double[][] {x, t};
    }

    static void writeCase(GoldenWriter w, String spec, int n, double[][] xt, String precisions) throws IOException {
        AlgorithmicLoss loss = Losses.parse(spec);
        RankingKernel k = RankingKernels.of(loss, n).orElseThrow();
        double[] x = xt[0], t = xt[1];
        int batch = x.length / n;
        Evaluation e = Batches.evaluate(loss, x, t, batch, n, true);
        int[] rank = new int[batch * n], r = new int[n];
        for (int s = 0; s < batch; s++) {
            Ranks.stableAscendingRanks(t, s * n, n, r);
            System.arraycopy(r, 0, rank, s * n, n);
        }
        w.begin(spec.replace(':', '_').replace(',', '_').replace('=', '-') + "_n" + n + "_" + precisions)
                .scalar("n", n).scalar("batch", batch).scalar("precisions", precisions);
        switch (k) {
            case RankingKernel.Dsn d -> w.scalar("family", "dsn").scalar("sigmoid", d.sigmoid())
                    .scalar("steepness", d.steepness()).scalar("art_lambda", d.artLambda()).array("comps", d.comparators());
            case RankingKernel.NeuralSort ns -> w.scalar("family", "neuralsort").scalar("tau", ns.tau());
            case RankingKernel.SoftSort ss -> w.scalar("family", "softsort").scalar("tau", ss.tau()).scalar("power", ss.power());
        }
        w.array("x", x).array("rank", rank).array("loss", e.loss()).array("grad", e.grad()).array("hess", e.hess()).end();
    }
}
