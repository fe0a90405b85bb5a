package org.newtonloss.cuda;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.newtonloss.linalg.RandomMatrices;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.Safeguard;

/**
 * Writes golden files for the native harness (native/harness.cpp) from the Java CPU implementation: the kernels'
 * per-sample math must reproduce them. Format: whitespace-separated tokens, "case NAME", then scalar fields
 * "key value" and arrays "key COUNT values...", then "end". Doubles are written with 17 significant digits.
 */
final class GoldenWriter implements AutoCloseable {
    private final Writer out;

    GoldenWriter(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        out = Files.newBufferedWriter(file);
    }

    GoldenWriter begin(String name) throws IOException {
        out.write("case " + name + "\n");
        return this;
    }

    GoldenWriter scalar(String key, Object value) throws IOException {
        out.write(key + " " + (value instanceof Double d ? format(d) : value) + "\n");
        return this;
    }

    GoldenWriter array(String key, double[] values) throws IOException {
        StringBuilder sb = new StringBuilder(key).append(' ').append(values.length);
        for (double v : values) sb.append(' ').append(format(v));
        out.write(sb.append('\n').toString());
        return this;
    }

    GoldenWriter array(String key, int[] values) throws IOException {
        StringBuilder sb = new StringBuilder(key).append(' ').append(values.length);
        for (int v : values) sb.append(' ').append(v);
        out.write(sb.append('\n').toString());
        return this;
    }

    void end() throws IOException { out.write("end\n"); }

    private static String format(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("golden value must be finite, got " + v);
        return String.format(Locale.ROOT, "%.17g", v);
    }

    @Override public void close() throws IOException { out.close(); }

    // ------------------------------------------------------------------------------------------------ cases

    /**
     * Damped-solve cases: the CPU engine's escalate safeguard (per-sample Hessian curvature) on SPD, indefinite,
     * slightly asymmetric and hopeless (eigenvalue −1e25: no factor up to λ·10^20, CPU falls back to spectral)
     * systems, at sizes on both sides of the warp limit.
     */
    static void writeSolveCases(GoldenWriter w, long seed) throws IOException {
        Random rnd = new Random(seed);
        double lambda = 0.1;
        for (int m : new int[] {1, 2, 5, 16, 32, 33, 48}) {
            int batch = 12;
            double[] c = new double[batch * m * m], g = new double[batch * m], y = new double[batch * m];
            for (int s = 0; s < batch; s++) {
                double[] eig = new double[m];
                for (int k = 0; k < m; k++) {
                    eig[k] = switch (s % 4) {
                        case 0 -> 0.5 + 2 * rnd.nextDouble();            // SPD
                        case 1 -> -3 + 6 * rnd.nextDouble();             // indefinite: escalates
                        case 2 -> rnd.nextDouble() < 0.5 ? 0 : 1e3 * rnd.nextDouble(); // singular + λ
                        default -> k == 0 && s == batch - 1 ? -1e25 : -0.05 - 0.04 * rnd.nextDouble(); // just above −λ, or hopeless
                    };
                }
                double[] a = RandomMatrices.withEigenvalues(rnd, eig);
                for (int k = 0; k < m * m; k++) c[s * m * m + k] = a[k] * (1 + (s % 3 == 2 ? 1e-9 * rnd.nextGaussian() : 0));
                for (int k = 0; k < m; k++) {
                    g[s * m + k] = rnd.nextGaussian();
                    y[s * m + k] = rnd.nextGaussian();
                }
            }
            NewtonResult r = new NewtonEngine().step(new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, lambda), y, g, c,
                    batch, m);
            // lanes 1: the serial team; 3: real threads with a barrier (the warp/block decomposition, uneven split;
            // 32 threads on a 2-core machine took minutes)
            for (int lanes : new int[] {1, 3}) {
                w.begin("solve_m" + m + "_lanes" + lanes).scalar("family", "solve").scalar("m", m).scalar("batch", batch)
                        .scalar("lanes", lanes).scalar("lambda", lambda).scalar("max_escalations", Safeguard.MAX_ESCALATIONS)
                        .array("C", c).array("g", g).array("step", r.step()).array("lambda_used", r.lambda())
                        .array("status", r.status()).end();
            }
        }
    }
}
