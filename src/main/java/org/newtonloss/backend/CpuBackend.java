package org.newtonloss.backend;

import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Batches;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonEngine;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.NewtonResult;
import org.newtonloss.newton.NewtonResultF32;

/**
 * The CPU backend: always available, the reference every other backend is checked against. Batches are
 * evaluated by {@link Batches} in parallel over all cores of the common pool; Newton steps are solved by
 * {@link NewtonEngine}. In float, the Gauss-Newton curvature is computed in double from the float inputs (losses
 * give it in double only) and rounded, like the engine's own float path.
 */
public final class CpuBackend implements LossBackend {
    /** The name used by {@code --backend cpu}. */
    public static final String NAME = "cpu";
    private static final CpuBackend INSTANCE = new CpuBackend();
    private final NewtonEngine engine = new NewtonEngine();

    private CpuBackend() {}

    /** The shared instance (stateless). */
    public static CpuBackend instance() { return INSTANCE; }

    @Override public String name() { return NAME; }

    @Override
    public Evaluation evaluate(AlgorithmicLoss loss, double[] y, double[] target, int batch, int m, boolean hessian) {
        return Batches.evaluate(loss, y, target, batch, m, hessian);
    }

    @Override
    public EvaluationF32 evaluate(AlgorithmicLoss loss, float[] y, float[] target, int batch, int m, boolean hessian) {
        return Batches.evaluate(loss, y, target, batch, m, hessian);
    }

    @Override
    public NewtonOutcome newton(AlgorithmicLoss loss, NewtonOptions options, double[] y, double[] target, int batch, int m) {
        Evaluation ev = switch (options.curvature()) {
            case GAUSS_NEWTON -> Batches.evaluateGaussNewton(loss, y, target, batch, m);
            case FISHER -> Batches.evaluate(loss, y, target, batch, m, false);
            case HESSIAN, HESSIAN_MEAN -> Batches.evaluate(loss, y, target, batch, m, true);
        };
        NewtonResult r = engine.step(options, y, ev.grad(), ev.hess(), batch, m);
        return new NewtonOutcome(ev, r);
    }

    @Override
    public NewtonOutcomeF32 newton(AlgorithmicLoss loss, NewtonOptions options, float[] y, float[] target, int batch, int m) {
        if (options.curvature() == Curvature.HESSIAN) return newtonPerSample(loss, options, y, target, batch, m);
        EvaluationF32 ev = options.curvature() == Curvature.GAUSS_NEWTON
                ? round(Batches.evaluateGaussNewton(loss, toDouble(y), toDouble(target), batch, m))
                : Batches.evaluate(loss, y, target, batch, m, options.curvature().needsMatrices());
        NewtonResultF32 r = engine.step(options, y, ev.grad(), ev.hess(), batch, m);
        return new NewtonOutcomeF32(ev, r);
    }

    /**
     * The exact-Hessian step with evaluation and solve fused per sample ({@link NewtonEngine#stepPerSample}): the
     * same numbers as evaluating the batch and then stepping, with one hand-off to the pool instead of two.
     */
    private NewtonOutcomeF32 newtonPerSample(AlgorithmicLoss loss, NewtonOptions options, float[] y, float[] target,
                                             int batch, int m) {
        Batches.checkShapes(loss, y.length, target.length, batch, m);
        float[] values = new float[batch];
        float[] grad = new float[batch * m];
        float[] hess = new float[Math.multiplyExact(batch, m * m)];
        NewtonResultF32 r = engine.stepPerSample(options, y, grad, hess, batch, m,
                i -> values[i] = loss.evaluate(i, m, y, target, grad, hess));
        return new NewtonOutcomeF32(new EvaluationF32(batch, m, values, grad, hess), r);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static EvaluationF32 round(Evaluation e) {
        return new EvaluationF32(e.batch(), e.m(), toFloat(e.loss()), toFloat(e.grad()), toFloat(e.hess()));
    }

    /** Threads a batch is spread over (the common pool plus the calling thread). */
    public static int threads() { return Runtime.getRuntime().availableProcessors(); }
}
