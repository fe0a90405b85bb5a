package org.newtonloss.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.NewtonOutcome;
import org.newtonloss.backend.NewtonOutcomeF32;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
import org.newtonloss.spec.Losses;

/**
 * The GPU check of the stochastic path losses: agreement of the CUDA backend with the CPU backend on random
 * Warcraft-like maps (12×12 and 18×18; 3, 10 and 30 draws; double and float; loss, gradient, Hessian and the Newton
 * step with the escalate safeguard), then CUDA-event timings of value + gradient + Hessian and of that plus the
 * damped block-per-system Newton solve, per sample, at B = 70 and a larger batch. Every row catches its own failure
 * (recorded under "error"), so one bad row never ends the run. A program's part, not library code: it prints one
 * line per row.
 */
public final class PathsCheck {
    /** GPU vs CPU, max over samples of the error relative to the sample's largest entry. */
    static final double DOUBLE_TOL = 1e-9, FLOAT_TOL = 1e-4;
    /** Newton steps (double): the solve amplifies rounding by the condition number of H + λI. */
    static final double STEP_TOL = 1e-7;
    static final double LAMBDA = 0.1;
    static final double[] TERRAIN = {0.8, 1.2, 5.3, 7.7, 9.2};

    private PathsCheck() {}

    /** The specs checked at S draws: every family, baseline on and off, L1 and L2, antithetic where S is even. */
    static List<String> specs(int s) {
        String anti = s % 2 == 0 ? ",antithetic=true" : "";
        return List.of("smooth-loss:samples=" + s + ",sigma=0.5,seed=1" + anti,
                "smooth-algorithm:samples=" + s + ",sigma=0.5,seed=2,loss=l2",
                "smooth-algorithm:samples=" + s + ",sigma=1.0,seed=3,loss=l1,baseline=false",
                "fenchel-young:samples=" + s + ",sigma=0.5,seed=4" + anti);
    }

    /** Relaxed Bellman-Ford (For loop) settings checked: AlgoVision's default, L1, Hamacher, Yager, start=absorb. */
    static final List<String> BF_SPECS = List.of(
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic",
            "bellman-ford:loop=for,loss=l1,beta=10,iterations=25,tconorm=probabilistic",
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=hamacher,p=5",
            "bellman-ford:loop=for,loss=l2,beta=5,iterations=25,tconorm=yager",
            "bellman-ford:loop=for,loss=l2,beta=10,iterations=25,tconorm=probabilistic,start=absorb");

    /** Agreement rows, then timing rows. */
    public static List<Map<String, Object>> run(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>(agreement(cuda, quick));
        rows.addAll(bellmanFordAgreement(cuda, quick));
        rows.addAll(timings(cuda, quick));
        rows.addAll(bellmanFordTimings(cuda, quick));
        return rows;
    }

    /** Whether every agreement row passed (timing rows only fail on an error). */
    public static boolean passed(List<Map<String, Object>> rows) {
        return rows.stream().allMatch(r -> !r.containsKey("error") && !Boolean.FALSE.equals(r.get("pass")));
    }

    /**
     * Predicted costs around random terrain (float-representable, a few below 0 to exercise the solver's clamp)
     * and the true shortest paths of the terrain: {y, truth}.
     */
    static double[][] batch(int side, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        GridShape grid = new GridShape(side, side);
        int m = grid.cells();
        double[] terrain = new double[batch * m], y = new double[batch * m], truth = new double[batch * m];
        for (int i = 0; i < terrain.length; i++) terrain[i] = TERRAIN[rnd.nextInt(TERRAIN.length)];
        GridShortestPath.solveBatch(grid, terrain, truth);
        for (int i = 0; i < y.length; i++) y[i] = (float) (terrain[i] + 1.5 * (2 * rnd.nextDouble() - 1));
        return new double[][] {y, truth};
    }

    // ------------------------------------------------------------------------------------------------ agreement

    static List<Map<String, Object>> agreement(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int batch = 16;
        for (int side : quick ? new int[] {12} : new int[] {12, 18})
            for (int s : quick ? new int[] {3, 30} : new int[] {3, 10, 30})
                for (String spec : specs(s))
                    for (boolean dbl : new boolean[] {true, false}) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("check", "agreement");
                        row.put("spec", spec);
                        row.put("grid", side + "x" + side);
                        row.put("precision", dbl ? "double" : "float");
                        row.put("batch", batch);
                        try {
                            compare(cuda, Losses.parse(spec), side, batch, dbl, row);
                        } catch (Throwable e) {
                            row.put("pass", false);
                            row.put("error", e.toString());
                        }
                        rows.add(row);
                        System.out.println("paths " + row);
                    }
        return rows;
    }

    /** Relaxed Bellman-Ford: the same comparison at 12×12 (and 18×18), 8 samples per row. */
    static List<Map<String, Object>> bellmanFordAgreement(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int batch = 8;
        for (int side : quick ? new int[] {12} : new int[] {12, 18})
            for (String spec : side == 12 ? BF_SPECS : BF_SPECS.subList(0, 1))
                for (boolean dbl : new boolean[] {true, false}) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("check", "agreement");
                    row.put("spec", spec);
                    row.put("grid", side + "x" + side);
                    row.put("precision", dbl ? "double" : "float");
                    row.put("batch", batch);
                    try {
                        compare(cuda, Losses.parse(spec), side, batch, dbl, row);
                    } catch (Throwable e) {
                        row.put("pass", false);
                        row.put("error", e.toString());
                    }
                    rows.add(row);
                    System.out.println("paths " + row);
                }
        return rows;
    }

    /** Fills {@code row} with the GPU-vs-CPU errors of one setting and whether they are within tolerance. */
    static void compare(CudaBackend cuda, AlgorithmicLoss loss, int side, int batch, boolean dbl, Map<String, Object> row) {
        int m = side * side;
        double[][] yt = batch(side, batch, 1000L * side + loss.spec().hashCode());
        CpuBackend cpu = CpuBackend.instance();
        NewtonOptions opt = new NewtonOptions(Curvature.HESSIAN, Safeguard.ESCALATE, LAMBDA);
        double el, eg, eh, es;
        int statusDiff = 0;
        if (dbl) {
            Evaluation c = cpu.evaluate(loss, yt[0], yt[1], batch, m, true), g = cuda.evaluate(loss, yt[0], yt[1], batch, m, true);
            el = DeviceCheck.maxScaled(c.loss(), g.loss(), 1);
            eg = DeviceCheck.maxScaled(c.grad(), g.grad(), m);
            eh = DeviceCheck.maxScaled(c.hess(), g.hess(), m * m);
            NewtonOutcome nc = cpu.newton(loss, opt, yt[0], yt[1], batch, m), ng = cuda.newton(loss, opt, yt[0], yt[1], batch, m);
            es = DeviceCheck.maxScaled(nc.result().step(), ng.result().step(), m);
            for (int i = 0; i < batch; i++) if (nc.result().status()[i] != ng.result().status()[i]) statusDiff++;
        } else {
            float[] y = KernelTimings.toFloat(yt[0]), t = KernelTimings.toFloat(yt[1]);
            EvaluationF32 c = cpu.evaluate(loss, y, t, batch, m, true), g = cuda.evaluate(loss, y, t, batch, m, true);
            el = DeviceCheck.maxScaled(DeviceCheck.toDouble(c.loss()), DeviceCheck.toDouble(g.loss()), 1);
            eg = DeviceCheck.maxScaled(DeviceCheck.toDouble(c.grad()), DeviceCheck.toDouble(g.grad()), m);
            eh = DeviceCheck.maxScaled(DeviceCheck.toDouble(c.hess()), DeviceCheck.toDouble(g.hess()), m * m);
            NewtonOutcomeF32 nc = cpu.newton(loss, opt, y, t, batch, m), ng = cuda.newton(loss, opt, y, t, batch, m);
            es = DeviceCheck.maxScaled(DeviceCheck.toDouble(nc.result().step()), DeviceCheck.toDouble(ng.result().step()), m);
            for (int i = 0; i < batch; i++) if (nc.result().status()[i] != ng.result().status()[i]) statusDiff++;
        }
        double tol = dbl ? DOUBLE_TOL : FLOAT_TOL;
        row.put("max_err", Map.of("loss", el, "grad", eg, "hess", eh, "newton_step", es));
        row.put("newton_status_mismatches", statusDiff);
        // float Newton steps come from float Cholesky factors (GPU) vs the CPU engine: reported, not gated
        boolean pass = el <= tol && eg <= tol && eh <= tol && (!dbl || (es <= STEP_TOL && statusDiff == 0));
        row.put("pass", pass);
    }

    // ------------------------------------------------------------------------------------------------ timings

    static List<Map<String, Object>> timings(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        PathKernels pk = new PathKernels(cuda.kernels());
        record Shape(int side, int samples, int batch) {}
        List<Shape> shapes = new ArrayList<>();
        for (int s : quick ? new int[] {30} : new int[] {10, 30})
            for (int b : new int[] {70, quick ? 1024 : 2048}) shapes.add(new Shape(12, s, b));
        shapes.add(new Shape(18, 30, 70));
        for (Shape sh : shapes)
            for (String family : List.of("smooth-loss", "smooth-algorithm", "fenchel-young"))
                for (boolean dbl : new boolean[] {false, true}) {
                    String spec = family + ":samples=" + sh.samples() + ",sigma=0.5,seed=1" + (family.equals("smooth-algorithm") ? ",loss=l2" : "");
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("check", "timing");
                    row.put("spec", spec);
                    row.put("grid", sh.side() + "x" + sh.side());
                    row.put("precision", dbl ? "double" : "float");
                    row.put("batch", sh.batch());
                    try {
                        time(cuda, pk, Losses.parse(spec), sh.side(), sh.batch(), dbl, row);
                    } catch (Throwable e) {
                        row.put("error", e.toString());
                    }
                    rows.add(row);
                    System.out.println("paths " + row);
                }
        return rows;
    }

    /**
     * Device-resident timing (inputs and noise uploaded once): value + gradient + Hessian (five launches), and
     * that plus the damped Newton solve (block per system, escalate safeguard). Samples per second from the median
     * of five CUDA-event timings after a warm-up. At B = 70 also the CPU backend's wall-clock rate on this host.
     */
    static void time(CudaBackend cuda, PathKernels pk, AlgorithmicLoss loss, int side, int batch, boolean dbl, Map<String, Object> row) {
        PathKernel k = PathKernel.of(loss).orElseThrow();
        int m = side * side, size = dbl ? 8 : 4;
        double[][] yt = batch(side, batch, 77);
        double[] eps = CudaPaths.noise(k, batch, m);
        Kernels kernels = cuda.kernels();
        CudaDevice device = kernels.device();
        device.makeCurrent();
        try (PathKernels.Workspace ws = pk.workspace(k, batch, side, side);
             DeviceBuffer y = dbl ? DeviceBuffer.of(yt[0]) : DeviceBuffer.of(KernelTimings.toFloat(yt[0]));
             DeviceBuffer t = dbl ? DeviceBuffer.of(yt[1]) : DeviceBuffer.of(KernelTimings.toFloat(yt[1]));
             DeviceBuffer e = DeviceBuffer.of(eps);
             DeviceBuffer l = DeviceBuffer.allocate((long) batch * size); DeviceBuffer g = DeviceBuffer.allocate((long) batch * m * size);
             DeviceBuffer h = DeviceBuffer.allocate((long) batch * m * m * size); DeviceBuffer step = DeviceBuffer.allocate((long) batch * m * size);
             DeviceBuffer z = DeviceBuffer.allocate((long) batch * m * size); DeviceBuffer lam = DeviceBuffer.allocate((long) batch * size);
             DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
            row.put("eval_hessian_samples_per_s", KernelTimings.rate(batch, device, () -> pk.evaluate(ws, dbl, y, t, e, l, g, h)));
            row.put("eval_hessian_newton_samples_per_s", KernelTimings.rate(batch, device, () -> {
                pk.evaluate(ws, dbl, y, t, e, l, g, h);
                kernels.solve(dbl, batch, m, h, (long) m * m, g, y, LAMBDA, Safeguard.MAX_ESCALATIONS, step, z, lam, st);
            }));
            int[] status = new int[batch];
            st.read(status);
            int unsolved = 0, escalated = 0;
            for (int s : status) {
                if (s == CudaBackend.KERNEL_NOT_SOLVED) unsolved++;
                else if (s > 0) escalated++;
            }
            row.put("newton_escalated", escalated);
            row.put("newton_unsolved_on_device", unsolved);
        }
        if (batch <= 70 && !dbl) {  // the CPU backend on this host, wall clock, for the ratio
            float[] y = KernelTimings.toFloat(yt[0]), t = KernelTimings.toFloat(yt[1]);
            CpuBackend.instance().evaluate(loss, y, t, batch, m, true);
            long t0 = System.nanoTime();
            CpuBackend.instance().evaluate(loss, y, t, batch, m, true);
            row.put("cpu_eval_hessian_samples_per_s", batch / ((System.nanoTime() - t0) * 1e-9));
        }
    }

    /** Bellman-Ford (12×12, N = 25) value + gradient + exact Hessian, and + Newton, at B = 70 and 512. */
    static List<Map<String, Object>> bellmanFordTimings(CudaBackend cuda, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        PathKernels pk = new PathKernels(cuda.kernels());
        String spec = BF_SPECS.get(0);
        try {
            for (int batch : quick ? new int[] {70} : new int[] {70, 512})
                for (boolean dbl : new boolean[] {false, true}) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("check", "timing");
                    row.put("spec", spec);
                    row.put("grid", "12x12");
                    row.put("precision", dbl ? "double" : "float");
                    row.put("batch", batch);
                    try {
                        timeBellmanFord(cuda, pk, Losses.parse(spec), 12, batch, dbl, row);
                    } catch (Throwable e) {
                        row.put("error", e.toString());
                    }
                    rows.add(row);
                    System.out.println("paths " + row);
                }
        } finally {
            try {
                pk.releaseScratch();
            } catch (Throwable e) {
                System.out.println("paths: releasing Bellman-Ford scratch failed: " + e);
            }
        }
        return rows;
    }

    static void timeBellmanFord(CudaBackend cuda, PathKernels pk, AlgorithmicLoss loss, int side, int batch, boolean dbl,
                                Map<String, Object> row) {
        BellmanFordKernel k = BellmanFordKernel.of(loss).orElseThrow();
        int m = side * side, size = dbl ? 8 : 4;
        double[][] yt = batch(side, batch, 78);
        int[] truth = new int[yt[1].length];
        for (int i = 0; i < truth.length; i++) truth[i] = (int) yt[1][i];
        Kernels kernels = cuda.kernels();
        CudaDevice device = kernels.device();
        device.makeCurrent();
        try (DeviceBuffer y = dbl ? DeviceBuffer.of(yt[0]) : DeviceBuffer.of(KernelTimings.toFloat(yt[0]));
             DeviceBuffer t = DeviceBuffer.of(truth);
             DeviceBuffer l = DeviceBuffer.allocate((long) batch * size); DeviceBuffer g = DeviceBuffer.allocate((long) batch * m * size);
             DeviceBuffer h = DeviceBuffer.allocate((long) batch * m * m * size); DeviceBuffer step = DeviceBuffer.allocate((long) batch * m * size);
             DeviceBuffer z = DeviceBuffer.allocate((long) batch * m * size); DeviceBuffer lam = DeviceBuffer.allocate((long) batch * size);
             DeviceBuffer st = DeviceBuffer.allocate(4L * batch)) {
            row.put("eval_hessian_samples_per_s", KernelTimings.rate(batch, device, () -> pk.bellmanFord(k, dbl, batch, side, side, y, t, l, g, h)));
            row.put("eval_hessian_newton_samples_per_s", KernelTimings.rate(batch, device, () -> {
                pk.bellmanFord(k, dbl, batch, side, side, y, t, l, g, h);
                kernels.solve(dbl, batch, m, h, (long) m * m, g, y, LAMBDA, Safeguard.MAX_ESCALATIONS, step, z, lam, st);
            }));
        }
        if (batch <= 70 && !dbl) {
            float[] y = KernelTimings.toFloat(yt[0]), tf = KernelTimings.toFloat(yt[1]);
            long t0 = System.nanoTime();
            CpuBackend.instance().evaluate(loss, y, tf, batch, m, true);
            row.put("cpu_eval_hessian_samples_per_s", batch / ((System.nanoTime() - t0) * 1e-9));
        }
    }

    /** Standalone: {@code PathsCheck OUT_DIR [quick]} writes OUT_DIR/paths-check.json; exit 0 when every row passed. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : ".");
        boolean quick = args.length > 1 && args[1].equals("quick");
        Files.createDirectories(out);
        Map<String, Object> report = new LinkedHashMap<>();
        CudaProbe.Result probe = CudaProbe.result();
        report.put("probe", Map.of("usable", probe.usable(), "device", probe.device(), "reasons", probe.reasons()));
        boolean ok = probe.usable();
        long t0 = System.nanoTime();
        if (ok) {
            try (CudaBackend cuda = CudaBackend.open()) {
                List<Map<String, Object>> rows = run(cuda, quick);
                report.put("rows", rows);
                ok = passed(rows);
            }
        }
        report.put("seconds", (System.nanoTime() - t0) * 1e-9);
        report.put("pass", ok);
        Files.writeString(out.resolve("paths-check.json"), DeviceCheck.json(report, "") + "\n");
        System.out.println("paths check: " + (ok ? "PASS" : "FAIL") + " (" + out.resolve("paths-check.json") + ")");
        System.exit(ok ? 0 : 1);
    }
}
