package org.newtonloss.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.cuda.ffm.CuSolver;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;

/**
 * The GPU check (run by ci/device-check on the GPU machine): every kernel against the CPU backend on random and
 * adversarial batches, then kernel timings with CUDA events (fused Newton kernel vs Hessian kernel + own batched
 * Cholesky vs Hessian kernel + cuSOLVER), written as JSON to {@code OUT_DIR/device-check.json}. A program, not
 * library code: it prints a summary and exits 0 when every agreement check passed, 1 otherwise.
 *
 * <p>Usage: {@code DeviceCheck OUT_DIR [quick]}. It needs only java.base and java.logging (the bundle's jlink runtime),
 * so it writes its JSON itself.
 */
public final class DeviceCheck {
    /** Families × settings checked for agreement. */
    static final List<String> SPECS = List.of(
            "dsn:network=odd_even,sigmoid=logistic,steepness=10", "dsn:network=odd_even,sigmoid=logistic_phi,steepness=10,art_lambda=0.25",
            "dsn:network=odd_even,sigmoid=gaussian,steepness=5", "dsn:network=odd_even,sigmoid=reciprocal,steepness=10",
            "dsn:network=odd_even,sigmoid=cauchy,steepness=10", "dsn:network=odd_even,sigmoid=optimal,steepness=10",
            "dsn:network=bitonic,sigmoid=logistic,steepness=20", "dsn:network=bitonic,sigmoid=logistic_phi,steepness=5,art_lambda=0.25",
            "dsn:network=bitonic,sigmoid=gaussian,steepness=20", "dsn:network=bitonic,sigmoid=reciprocal,steepness=5",
            "dsn:network=bitonic,sigmoid=cauchy,steepness=20", "dsn:network=bitonic,sigmoid=optimal,steepness=5",
            "neuralsort:tau=1", "softsort:tau=1,power=1", "softsort:tau=0.1,power=2");
    static final double DOUBLE_TOL = 1e-8, FLOAT_TOL = 1e-4;

    private DeviceCheck() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : ".");
        boolean quick = args.length > 1 && args[1].equals("quick");
        Files.createDirectories(out);
        Map<String, Object> report = new LinkedHashMap<>();
        CudaProbe.Result probe = CudaProbe.result();
        report.put("probe", Map.of("usable", probe.usable(), "device", probe.device(), "reasons", probe.reasons(),
                "cusolver", probe.cusolver()));
        boolean ok = probe.usable();
        if (ok) {
            try (CudaBackend cuda = CudaBackend.open()) {
                List<Map<String, Object>> agreement = agreement(cuda, quick);
                report.put("agreement", agreement);
                ok = agreement.stream().allMatch(m -> (Boolean) m.get("pass") || (Boolean) m.get("known_divergence"));
                report.put("timings", timings(cuda, quick));
            }
        }
        report.put("pass", ok);
        Files.writeString(out.resolve("device-check.json"), json(report, "") + "\n");
        System.out.println("device check: " + (ok ? "PASS" : "FAIL") + " (" + out.resolve("device-check.json") + ")");
        System.exit(ok ? 0 : 1);
    }

    // ------------------------------------------------------------------------------------------------ agreement

    /** Random (scale 1 and 0.25), tied (every score repeated), wide (×100) and tiny (×1e-6) samples. */
    static double[][] batch(int n, int batch, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[batch * n], t = new double[batch * n];
        for (int s = 0; s < batch; s++) {
            int kind = s % 5;
            double scale = switch (kind) { case 2 -> 100; case 3 -> 1e-6; case 4 -> 0.25; default -> 1; };
            for (int i = 0; i < n; i++) {
                x[s * n + i] = (float) (scale * rnd.nextGaussian());
                t[s * n + i] = rnd.nextGaussian();
            }
            if (kind == 1) for (int i = 1; i < n; i += 2) x[s * n + i] = x[s * n + i - 1];  // exact ties
        }
        return new double[][] {x, t};
    }

    static List<Map<String, Object>> agreement(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        CpuBackend cpu = CpuBackend.instance();
        for (String spec : SPECS)
            for (int n : quick ? new int[] {5, 32} : new int[] {2, 5, 7, 16, 32}) {
                AlgorithmicLoss loss = Losses.parse(spec);
                int batch = 200;
                double[][] xt = batch(n, batch, 31L * n + spec.hashCode());
                Evaluation c = cpu.evaluate(loss, xt[0], xt[1], batch, n, true);
                Evaluation g = cuda.evaluate(loss, xt[0], xt[1], batch, n, true);
                float[] xf = toFloat(xt[0]), tf = toFloat(xt[1]);
                EvaluationF32 gf = cuda.evaluate(loss, xf, tf, batch, n, true);
                NewtonOptions opt = new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, 0.1);
                NewtonOutcome nc = cpu.newton(loss, opt, xt[0], xt[1], batch, n), ng = cuda.newton(loss, opt, xt[0], xt[1], batch, n);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("spec", spec);
                row.put("n", n);
                row.put("batch", batch);
                double dl = maxScaled(c.loss(), g.loss(), 1), dg = maxScaled(c.grad(), g.grad(), n), dh = maxScaled(c.hess(), g.hess(), n * n);
                double fl = maxScaled(c.loss(), toDouble(gf.loss()), 1), fg = maxScaled(c.grad(), toDouble(gf.grad()), n),
                        fh = maxScaled(c.hess(), toDouble(gf.hess()), n * n);
                double ds = maxScaled(nc.result().step(), ng.result().step(), n);
                int statusDiff = 0;
                for (int s = 0; s < batch; s++) if (nc.result().status()[s] != ng.result().status()[s]) statusDiff++;
                row.put("double_max_err", Map.of("loss", dl, "grad", dg, "hess", dh, "newton_step", ds));
                row.put("float_max_err", Map.of("loss", fl, "grad", fg, "hess", fh));
                row.put("newton_status_mismatches", statusDiff);
                boolean pass = Math.max(dl, Math.max(dg, Math.max(dh, ds))) <= DOUBLE_TOL && Math.max(fl, Math.max(fg, fh)) <= FLOAT_TOL
                        && statusDiff == 0;
                row.put("pass", pass);
                row.put("known_divergence", spec.contains("sigmoid=gaussian"));
                rows.add(row);
                System.out.printf("%-75s n=%2d  double %.1e %.1e %.1e step %.1e  float %.1e %.1e %.1e  status diff %d  %s%n", spec, n,
                        dl, dg, dh, ds, fl, fg, fh, statusDiff, pass ? "ok" : "MISMATCH");
            }
        return rows;
    }

    /** Max over samples of max |a − b| / max(max |a|, 1e-300) within each block of {@code block} values. */
    static double maxScaled(double[] want, double[] got, int block) {
        double worst = 0;
        for (int b0 = 0; b0 < want.length; b0 += block) {
            double scale = 0, err = 0;
            for (int i = b0; i < b0 + block; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Double.isFinite(got[i]) ? Math.abs(got[i] - want[i]) : Double.POSITIVE_INFINITY);
            }
            worst = Math.max(worst, err / Math.max(scale, 1e-300));
        }
        return worst;
    }

    // ------------------------------------------------------------------------------------------------ timings

    static List<Map<String, Object>> timings(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Kernels k = cuda.kernels();
        CuSolver solver = null;
        try {
            solver = CuSolver.available() ? CuSolver.open(k.device().streamAddress()) : null;
        } catch (RuntimeException e) {
            System.out.println("cuSOLVER not usable: " + e.getMessage());
        }
        String spec = "dsn:network=odd_even,sigmoid=cauchy,steepness=10";
        int batch = quick ? 16384 : 65536;
        for (boolean dbl : new boolean[] {false, true})
            for (int n : new int[] {5, 10, 16, 32}) {
                RankingKernel kernel = RankingKernels.of(Losses.parse(spec), n).orElseThrow();
                double[][] xt = batch(n, batch, 99);
                int[] rank = new int[batch * n], r = new int[n];
                for (int s = 0; s < batch; s++) {
                    org.newtonloss.ranking.Ranks.stableAscendingRanks(xt[1], s * n, n, r);
                    System.arraycopy(r, 0, rank, s * n, n);
                }
                int size = dbl ? 8 : 4;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("spec", spec);
                row.put("precision", dbl ? "double" : "float");
                row.put("n", n);
                row.put("batch", batch);
                try (DeviceBuffer x = dbl ? DeviceBuffer.of(xt[0]) : DeviceBuffer.of(toFloat(xt[0])); DeviceBuffer rk = DeviceBuffer.of(rank);
                     DeviceBuffer loss = DeviceBuffer.allocate((long) batch * size); DeviceBuffer grad = DeviceBuffer.allocate((long) batch * n * size);
                     DeviceBuffer hess = DeviceBuffer.allocate((long) batch * n * n * size); DeviceBuffer step = DeviceBuffer.allocate((long) batch * n * size);
                     DeviceBuffer z = DeviceBuffer.allocate((long) batch * n * size); DeviceBuffer lam = DeviceBuffer.allocate((long) batch * size);
                     DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
                    row.put("eval_samples_per_s", rate(batch, k.device(), () -> k.eval(kernel, dbl, batch, n, x, rk, loss, grad)));
                    row.put("hessian_samples_per_s", rate(batch, k.device(), () -> k.hessian(kernel, dbl, batch, n, x, rk, loss, grad, hess)));
                    row.put("fused_newton_samples_per_s", rate(batch, k.device(),
                            () -> k.newton(kernel, dbl, batch, n, x, rk, 0.1, Safeguard.MAX_ESCALATIONS, loss, grad, step, z, lam, st)));
                    row.put("hessian_plus_own_cholesky_samples_per_s", rate(batch, k.device(), () -> {
                        k.hessian(kernel, dbl, batch, n, x, rk, loss, grad, hess);
                        k.solve(dbl, batch, n, hess, (long) n * n, grad, x, 0.1, Safeguard.MAX_ESCALATIONS, step, z, lam, st);
                    }));
                    if (solver != null) {
                        CuSolver s = solver;
                        int[] status = new int[batch];
                        double[] lambdas = new double[batch];
                        row.put("hessian_plus_cusolver_samples_per_s", rate(batch, k.device(), () -> {
                            k.hessian(kernel, dbl, batch, n, x, rk, loss, grad, hess);
                            CuSolverPath.solve(k, s, dbl, batch, n, hess, grad, step, 0.1, Safeguard.MAX_ESCALATIONS, status, lambdas);
                        }));
                    }
                } catch (RuntimeException e) {
                    row.put("error", e.toString());
                }
                rows.add(row);
                System.out.println("timing " + row);
            }
        if (solver != null) solver.close();
        return rows;
    }

    /** Samples per second: median of 5 timed repeats after one warm-up, timed with CUDA events. */
    static double rate(int batch, CudaDevice device, Runnable launches) {
        device.elapsedMillis(launches);
        float[] ms = new float[5];
        for (int i = 0; i < ms.length; i++) ms[i] = device.elapsedMillis(launches);
        Arrays.sort(ms);
        return batch / (ms[ms.length / 2] / 1000.0);
    }

    /** JSON of maps, lists, strings, numbers and booleans (non-finite numbers as null). */
    static String json(Object v, String indent) {
        String in = indent + "  ";
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) parts.add(in + quote(e.getKey().toString()) + ": " + json(e.getValue(), in));
            return parts.isEmpty() ? "{}" : "{\n" + String.join(",\n", parts) + "\n" + indent + "}";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) parts.add(in + json(o, in));
            return parts.isEmpty() ? "[]" : "[\n" + String.join(",\n", parts) + "\n" + indent + "]";
        }
        if (v instanceof Double d) return Double.isFinite(d) ? d.toString() : "null";
        if (v instanceof Float f) return Float.isFinite(f) ? f.toString() : "null";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        return v == null ? "null" : quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
