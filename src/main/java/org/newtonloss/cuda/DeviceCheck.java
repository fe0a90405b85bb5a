package org.newtonloss.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The GPU check (run by ci/device-check on the GPU machine): every ranking kernel against the CPU backend on random
 * and adversarial batches, kernel timings with CUDA events (fused Newton kernel vs Hessian kernel + own batched
 * Cholesky vs Hessian kernel + cuSOLVER), then the path kernels ({@link PathsCheck}), written as JSON to
 * {@code OUT_DIR/device-check.json}. A program, not library code: it prints a summary and exits 0 when every
 * agreement check passed, 1 otherwise.
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
        Path json = out.resolve("device-check.json");
        Map<String, Object> report = new LinkedHashMap<>();
        CudaProbe.Result probe = CudaProbe.result();
        report.put("probe", Map.of("usable", probe.usable(), "device", probe.device(), "reasons", probe.reasons(),
                "cusolver", probe.cusolver()));
        System.out.println("probe: " + report.get("probe"));
        boolean ok = probe.usable();
        if (ok) {
            try (CudaBackend cuda = CudaBackend.open()) {
                // Each section is written as soon as it is done, so a run cut short still leaves its results.
                List<Map<String, Object>> agreement = agreement(cuda, quick);
                report.put("agreement", agreement);
                ok = agreement.stream().allMatch(m -> Boolean.TRUE.equals(m.get("pass")));
                Files.writeString(json, json(report, "") + "\n");
                report.put("timings", timings(cuda, quick));
                Files.writeString(json, json(report, "") + "\n");
                List<Map<String, Object>> paths = PathsCheck.run(cuda, quick);
                report.put("paths", paths);
                ok &= paths.stream().filter(m -> "agreement".equals(m.get("check"))).allMatch(m -> Boolean.TRUE.equals(m.get("pass")));
            } catch (RuntimeException e) {
                e.printStackTrace(System.out);
                report.put("error", e.toString());
                ok = false;
            }
        }
        report.put("pass", ok);
        Files.writeString(json, json(report, "") + "\n");
        System.out.println("device check: " + (ok ? "PASS" : "FAIL") + " (" + json + ")");
        System.exit(ok ? 0 : 1);
    }

    // ------------------------------------------------------------------------------------------------ agreement

    static List<Map<String, Object>> agreement(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        CpuBackend cpu = CpuBackend.instance();
        for (String spec : SPECS)
            for (int n : quick ? new int[] {5, 32} : new int[] {2, 5, 7, 16, 32}) {
                try {
                    rows.add(agreementRow(cuda, cpu, spec, n));
                } catch (RuntimeException e) {
                    System.out.printf("%-75s n=%2d  ERROR %s%n", spec, n, e);
                    rows.add(new LinkedHashMap<>(Map.of("spec", spec, "n", n, "error", e.toString(), "pass", false)));
                }
            }
        return rows;
    }

    static Map<String, Object> agreementRow(CudaBackend cuda, CpuBackend cpu, String spec, int n) {
        AlgorithmicLoss loss = Losses.parse(spec);
        int batch = 200;
        double[][] xt = KernelTimings.randomBatch(n, batch, 31L * n + spec.hashCode());
        Evaluation c = cpu.evaluate(loss, xt[0], xt[1], batch, n, true);
        Evaluation g = cuda.evaluate(loss, xt[0], xt[1], batch, n, true);
        // Float against the CPU's float path: both round to float (and both underflow to 0 where the double result
        // is below float's range, which a comparison with the double result would count as a 100 % error).
        float[] xf = KernelTimings.toFloat(xt[0]), tf = KernelTimings.toFloat(xt[1]);
        EvaluationF32 cf = cpu.evaluate(loss, xf, tf, batch, n, true), gf = cuda.evaluate(loss, xf, tf, batch, n, true);
        NewtonOptions opt = new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, 0.1);
        NewtonOutcome nc = cpu.newton(loss, opt, xt[0], xt[1], batch, n), ng = cuda.newton(loss, opt, xt[0], xt[1], batch, n);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("spec", spec);
        row.put("n", n);
        row.put("batch", batch);
        double dl = maxScaled(c.loss(), g.loss(), 1), dg = maxScaled(c.grad(), g.grad(), n), dh = maxScaled(c.hess(), g.hess(), n * n);
        double fl = maxScaled(toDouble(cf.loss()), toDouble(gf.loss()), 1), fg = maxScaled(toDouble(cf.grad()), toDouble(gf.grad()), n),
                fh = maxScaled(toDouble(cf.hess()), toDouble(gf.hess()), n * n);
        StepCheck backend = StepCheck.of(c, nc.result().step(), nc.result().status(), nc.result().lambda(), ng.result().step(), ng.result().status(),
                ng.result().lambda(), n);
        row.put("double_max_err", Map.of("loss", dl, "grad", dg, "hess", dh));
        row.put("float_max_err_vs_cpu_float", Map.of("loss", fl, "grad", fg, "hess", fh));
        row.put("newton_backend", backend.json());
        boolean pass = Math.max(dl, Math.max(dg, dh)) <= DOUBLE_TOL && Math.max(fl, Math.max(fg, fh)) <= FLOAT_TOL
                && backend.pass(DOUBLE_TOL);
        String fusedText = "";
        RankingKernel kernel = RankingKernels.of(loss, n).orElseThrow();
        if (kernel instanceof RankingKernel.Dsn d && n <= Kernels.WARP_LIMIT) {
            // Both DSN Hessian kernels, whichever the backend chose at this n.
            double rowsErr = maxScaled(c.hess(), dsnHessian(cuda.kernels(), d, true, xt, batch, n), n * n);
            double perThreadErr = maxScaled(c.hess(), dsnHessian(cuda.kernels(), d, false, xt, batch, n), n * n);
            row.put("dsn_hessian_kernels_double_max_err", Map.of("rows", rowsErr, "per_thread", perThreadErr));
            pass &= Math.max(rowsErr, perThreadErr) <= DOUBLE_TOL;
            fusedText += String.format(" rows %.1e perthread %.1e", rowsErr, perThreadErr);
        }
        if (n <= Kernels.WARP_LIMIT) {
            // The fused kernel (Hessian + damped Cholesky in shared memory) against the CPU engine's escalate step.
            for (boolean dbl : new boolean[] {true, false}) {
                double[] step = new double[batch * n], lambdas = new double[batch];
                int[] status = fusedStep(cuda.kernels(), kernel, dbl, xt[0], xt[1], batch, n, opt.lambda(), step, lambdas);
                StepCheck fused = StepCheck.of(c, nc.result().step(), nc.result().status(), nc.result().lambda(), step, status, lambdas, n);
                row.put(dbl ? "newton_fused_double" : "newton_fused_float", fused.json());
                pass &= fused.pass(dbl ? DOUBLE_TOL : FLOAT_TOL);
                fusedText += String.format(" fused %s res %.1e fwd %.1e st %d/%d", dbl ? "f64" : "f32", fused.residual, fused.forward,
                        fused.statusMismatches, fused.borderline);
            }
        }
        row.put("pass", pass);
        System.out.printf("%-70s n=%2d f64 %.1e %.1e %.1e  f32 %.1e %.1e %.1e  step res %.1e fwd %.1e st %d/%d%s  %s%n", spec, n,
                dl, dg, dh, fl, fg, fh, backend.residual, backend.forward, backend.statusMismatches, backend.borderline, fusedText,
                pass ? "ok" : "MISMATCH");
        return row;
    }

    /**
     * A GPU Newton step against the CPU engine's. The solver is judged by its backward error, the residual
     * ‖(H + λ_used I) s − g‖∞ / (‖H + λI‖∞ ‖s‖∞ + ‖g‖∞) with the CPU's double H and g, on every sample the GPU solved.
     * The forward error against the CPU step is reported where both used the same λ. Systems whose status (number of
     * λ escalations) differs are counted; they are acceptable only where H + λI at the smaller λ is numerically
     * singular (smallest |eigenvalue| ≤ 1e-8 ‖H + λI‖), i.e. where a factorisation succeeding or failing is decided
     * by rounding.
     */
    record StepCheck(double residual, double cpuResidual, double forward, int statusMismatches, int borderline) {
        static StepCheck of(Evaluation c, double[] cpuStep, int[] cpuStatus, double[] cpuLambda, double[] step, int[] status,
                            double[] lambda, int n) {
            int batch = cpuStatus.length, mismatches = 0, borderline = 0;
            // Residuals are relative to max(the sample's ‖A‖‖s‖ + ‖g‖, 1e-8 × the batch's largest): a float step of
            // a saturated sample underflows to 0 with its gradient, which a purely per-sample scale would count as 1.
            double[] scale = new double[batch];
            double batchScale = 0;
            for (int s = 0; s < batch; s++) batchScale = Math.max(batchScale, scale[s] = residualScale(c, s, n, cpuStep, 0.1));
            double res = 0, cpuRes = 0, fwd = 0;
            for (int s = 0; s < batch; s++) {
                boolean solved = status[s] >= 0;
                if (status[s] != cpuStatus[s] && !(status[s] == CudaBackend.KERNEL_NOT_SOLVED && cpuStatus[s] < 0)) {
                    mismatches++;
                    if (singularAt(c.hess(), s, n, 0.1 * Math.pow(10, Math.min(Math.max(status[s], 0), Math.max(cpuStatus[s], 0)))))
                        borderline++;
                } else if (solved) {
                    double e = 0, sc = 0;
                    for (int i = 0; i < n; i++) {
                        e = Math.max(e, Math.abs(step[s * n + i] - cpuStep[s * n + i]));
                        sc = Math.max(sc, Math.abs(cpuStep[s * n + i]));
                    }
                    fwd = Math.max(fwd, e / Math.max(sc, 1e-300));
                }
                double floor = Math.max(1e-8 * batchScale, 1e-300);
                if (solved) res = Math.max(res, residual(c, s, n, step, lambda[s]) / Math.max(residualScale(c, s, n, step, lambda[s]), floor));
                if (cpuStatus[s] >= 0)
                    cpuRes = Math.max(cpuRes, residual(c, s, n, cpuStep, cpuLambda[s]) / Math.max(residualScale(c, s, n, cpuStep, cpuLambda[s]), floor));
            }
            return new StepCheck(res, cpuRes, fwd, mismatches, borderline);
        }

        /**
         * The GPU's backward error is within {@code tol}, or no worse than 10× the CPU engine's own on this batch (an
         * escalated λ can accept a nearly singular factor, whose backward error neither implementation can avoid);
         * status mismatches only where the system is numerically singular.
         */
        boolean pass(double tol) { return residual <= Math.max(tol, 10 * cpuResidual) && statusMismatches == borderline; }

        Map<String, Object> json() {
            return Map.of("residual", residual, "cpu_residual", cpuResidual, "forward_err_same_lambda", forward,
                    "status_mismatches", statusMismatches, "status_mismatches_numerically_singular", borderline);
        }

        /** ‖(H + λI) s − g‖∞ for sample s with the CPU's H and g. */
        static double residual(Evaluation c, int s, int n, double[] step, double lambda) {
            double r = 0;
            for (int i = 0; i < n; i++) {
                double acc = lambda * step[s * n + i] - c.grad()[s * n + i];
                for (int j = 0; j < n; j++) acc += c.hess()[s * n * n + i * n + j] * step[s * n + j];
                r = Math.max(r, Math.abs(acc));
            }
            return r;
        }

        /** ‖H + λI‖∞ ‖s‖∞ + ‖g‖∞ for sample s. */
        static double residualScale(Evaluation c, int s, int n, double[] step, double lambda) {
            double normA = 0, normS = 0, normG = 0;
            for (int i = 0; i < n; i++) {
                double row = lambda;
                for (int j = 0; j < n; j++) row += Math.abs(c.hess()[s * n * n + i * n + j]);
                normA = Math.max(normA, row);
                normS = Math.max(normS, Math.abs(step[s * n + i]));
                normG = Math.max(normG, Math.abs(c.grad()[s * n + i]));
            }
            return normA * normS + normG;
        }

        static boolean singularAt(double[] hess, int s, int n, double lambda) {
            double[] a = new double[n * n], values = new double[n], vectors = new double[n * n];
            double norm = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    a[i * n + j] = 0.5 * (hess[s * n * n + i * n + j] + hess[s * n * n + j * n + i]) + (i == j ? lambda : 0);
                    norm = Math.max(norm, Math.abs(a[i * n + j]));
                }
            org.newtonloss.linalg.SymmetricEigen.decompose(a, 1, n, values, vectors);
            double min = Double.POSITIVE_INFINITY;
            for (double v : values) min = Math.min(min, Math.abs(v));
            return min <= 1e-8 * n * norm;
        }
    }

    /** The double Hessians of a DSN batch by the row-parallel ({@code rows}) or the thread-per-column kernel. */
    static double[] dsnHessian(Kernels k, RankingKernel.Dsn d, boolean rows, double[][] xt, int batch, int n) {
        int[] rank = new int[batch * n], r = new int[n];
        for (int s = 0; s < batch; s++) {
            org.newtonloss.ranking.Ranks.stableAscendingRanks(xt[1], s * n, n, r);
            System.arraycopy(r, 0, rank, s * n, n);
        }
        double[] hess = new double[batch * n * n];
        try (DeviceBuffer dx = DeviceBuffer.of(xt[0]); DeviceBuffer rk = DeviceBuffer.of(rank); DeviceBuffer loss = DeviceBuffer.allocate(8L * batch);
             DeviceBuffer grad = DeviceBuffer.allocate(8L * batch * n); DeviceBuffer h = DeviceBuffer.allocate(8L * batch * n * n)) {
            if (rows) k.hessianRows(d, true, batch, n, dx, rk, loss, grad, h);
            else k.hessianPerThread(d, true, batch, n, dx, rk, loss, grad, h);
            h.read(hess);
        }
        return hess;
    }

    /** Runs the fused Newton kernel on the batch; fills {@code step} and returns the per-sample status. */
    static int[] fusedStep(Kernels k, RankingKernel kernel, boolean dbl, double[] x, double[] t, int batch, int n, double lambda,
                           double[] step, double[] lambdas) {
        int size = dbl ? 8 : 4;
        int[] rank = new int[batch * n], r = new int[n], status = new int[batch];
        for (int s = 0; s < batch; s++) {
            org.newtonloss.ranking.Ranks.stableAscendingRanks(t, s * n, n, r);
            System.arraycopy(r, 0, rank, s * n, n);
        }
        try (DeviceBuffer dx = dbl ? DeviceBuffer.of(x) : DeviceBuffer.of(KernelTimings.toFloat(x)); DeviceBuffer rk = DeviceBuffer.of(rank);
             DeviceBuffer loss = DeviceBuffer.allocate((long) batch * size); DeviceBuffer grad = DeviceBuffer.allocate((long) batch * n * size);
             DeviceBuffer st = DeviceBuffer.allocate((long) batch * n * size); DeviceBuffer z = DeviceBuffer.allocate((long) batch * n * size);
             DeviceBuffer lam = DeviceBuffer.allocate((long) batch * size); DeviceBuffer stat = DeviceBuffer.allocate(4L * batch)) {
            k.newton(kernel, dbl, batch, n, dx, rk, lambda, Safeguard.MAX_ESCALATIONS, loss, grad, st, z, lam, stat);
            if (dbl) {
                st.read(step);
                lam.read(lambdas);
            } else {
                float[] f = new float[batch * n], l = new float[batch];
                st.read(f);
                lam.read(l);
                for (int i = 0; i < f.length; i++) step[i] = f[i];
                for (int i = 0; i < batch; i++) lambdas[i] = l[i];
            }
            stat.read(status);
        }
        return status;
    }

    /**
     * Max over samples of max |a − b| / scale within each block of {@code block} values, where scale is the sample's
     * max |a| but at least 1e-8 × the batch's max |a|: entries eight decades below the batch's scale carry no
     * information for a Newton step, and there the two implementations' rounding (saturated sigmoids, clamped BCE)
     * legitimately differs. Non-finite results count as infinite errors.
     */
    static double maxScaled(double[] want, double[] got, int block) {
        double batchScale = 0;
        for (double v : want) batchScale = Math.max(batchScale, Math.abs(v));
        double worst = 0;
        for (int b0 = 0; b0 < want.length; b0 += block) {
            double scale = 0, err = 0;
            for (int i = b0; i < b0 + block; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Double.isFinite(got[i]) ? Math.abs(got[i] - want[i]) : Double.POSITIVE_INFINITY);
            }
            worst = Math.max(worst, err / Math.max(Math.max(scale, 1e-8 * batchScale), 1e-300));
        }
        return worst;
    }

    // ------------------------------------------------------------------------------------------------ timings

    /** Odd-even Cauchy DSN (the H200 target: n = 32, float, fused ≥ 1,000,000 samples/s), then NeuralSort and SoftSort. */
    static List<Map<String, Object>> timings(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        CuSolver solver = null;
        try {
            solver = CuSolver.available() ? CuSolver.open(cuda.kernels().device().streamAddress()) : null;
            System.out.println("cuSOLVER: " + (solver != null ? "open" : CuSolver.describe()));
        } catch (RuntimeException e) {
            System.out.println("cuSOLVER not usable: " + e.getMessage());
        }
        int maxBatch = quick ? 16384 : 65536;
        record Case(String spec, int n, boolean dbl) {}
        List<Case> cases = new ArrayList<>();
        String dsn = "dsn:network=odd_even,sigmoid=cauchy,steepness=10";
        for (int n : new int[] {32, 5, 10, 16, 64}) cases.add(new Case(dsn, n, false));
        for (int n : new int[] {32, 5, 16}) cases.add(new Case(dsn, n, true));
        for (String sm : new String[] {"neuralsort:tau=1", "softsort:tau=1,power=1"})
            for (int n : new int[] {16, 32}) cases.add(new Case(sm, n, false));
        long deadline = System.nanoTime() + (quick ? 40L : 100L) * 1_000_000_000L;
        for (Case c : cases) {
            if (System.nanoTime() > deadline) {
                rows.add(new LinkedHashMap<>(Map.of("spec", c.spec(), "n", c.n(), "skipped", "time budget of the timing section spent")));
                continue;
            }
            Map<String, Object> row;
            try {
                row = KernelTimings.ranking(cuda, solver, Losses.parse(c.spec()), c.n(), c.dbl(), maxBatch, true);
            } catch (RuntimeException e) {
                row = new LinkedHashMap<>(Map.of("spec", c.spec(), "n", c.n(), "error", e.toString()));
            }
            rows.add(row);
            System.out.println("timing " + row);
        }
        if (solver != null) solver.close();
        return rows;
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

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
