package org.newtonloss.loss;

import java.util.stream.IntStream;

/** Runs a per-sample loss over a batch, in parallel across samples (all cores of the common pool). */
public final class Batches {
    private Batches() {}

    /** Evaluates every sample in double; {@code hessian} says whether Hessians are computed. */
    public static Evaluation evaluate(AlgorithmicLoss loss, double[] y, double[] target, int batch, int m,
                                      boolean hessian) {
        checkShapes(loss, y.length, target.length, batch, m);
        double[] values = new double[batch];
        double[] grad = new double[batch * m];
        double[] hess = hessian ? new double[Math.multiplyExact(batch, m * m)] : null;
        forEachSample(batch, m, i -> values[i] = loss.evaluate(i, m, y, target, grad, hess));
        return new Evaluation(batch, m, values, grad, hess);
    }

    /** Evaluates every sample in float. */
    public static EvaluationF32 evaluate(AlgorithmicLoss loss, float[] y, float[] target, int batch, int m,
                                         boolean hessian) {
        checkShapes(loss, y.length, target.length, batch, m);
        float[] values = new float[batch];
        float[] grad = new float[batch * m];
        float[] hess = hessian ? new float[Math.multiplyExact(batch, m * m)] : null;
        forEachSample(batch, m, i -> values[i] = loss.evaluate(i, m, y, target, grad, hess));
        return new EvaluationF32(batch, m, values, grad, hess);
    }

    /**
     * Evaluates every sample in double with the generalised Gauss-Newton matrix in {@link Evaluation#hess()};
     * throws {@link IllegalArgumentException} naming the SPEC when the loss has no Gauss-Newton form.
     */
    public static Evaluation evaluateGaussNewton(AlgorithmicLoss loss, double[] y, double[] target, int batch, int m) {
        if (!(loss instanceof GaussNewtonLoss gn))
            throw new IllegalArgumentException("curvature gauss-newton is not available for loss '" + loss.spec()
                    + "': it has no Gauss-Newton form (docs/gauss-newton.md says why and what to use instead)");
        checkShapes(loss, y.length, target.length, batch, m);
        double[] values = new double[batch];
        double[] grad = new double[batch * m];
        double[] curvature = new double[Math.multiplyExact(batch, m * m)];
        forEachSample(batch, m, i -> values[i] = gn.evaluateGaussNewton(i, m, y, target, grad, curvature));
        return new Evaluation(batch, m, values, grad, curvature);
    }

    /** Runs {@code body} for samples 0..batch-1, splitting the batch into chunks spread over the common pool. */
    public static void forEachSample(int batch, int m, java.util.function.IntConsumer body) {
        forEachChunk(batch, m, (from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    /** A body over the samples {@code from .. to-1} of a batch (one chunk). */
    @FunctionalInterface
    public interface ChunkBody {
        /** Processes samples from (inclusive) to to (exclusive). */
        void run(int from, int to);
    }

    /**
     * Splits the batch into contiguous chunks, about four per core (so that a core that falls behind on a shared
     * machine is helped by the others), at least ~64 samples' worth of m = 16 work each, and runs them in parallel
     * on the common pool and the calling thread; a batch that makes one chunk runs on the calling thread.
     */
    public static void forEachChunk(int batch, int m, ChunkBody body) {
        int threads = Runtime.getRuntime().availableProcessors();
        // Small work items are not worth a fork: keep a chunk at least ~64 samples' worth of m = 16 work.
        int perChunk = Math.max(1, Math.min(batch, Math.max(batch / (4 * threads), 1024 / Math.max(1, m * m))));
        int chunks = (batch + perChunk - 1) / perChunk;
        if (chunks <= 1) {
            body.run(0, batch);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * perChunk, Math.min(batch, (c + 1) * perChunk)));
    }

    /** Checks a batch's shapes against the loss; throws IllegalArgumentException naming the mismatch. */
    public static void checkShapes(AlgorithmicLoss loss, int yLength, int targetLength, int batch, int m) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        loss.checkDimension(m);
        if (yLength != batch * m)
            throw new IllegalArgumentException("inputs: expected batch*m = " + batch + "*" + m + " = " + batch * m
                    + " values, got " + yLength);
        if (targetLength != batch * m)
            throw new IllegalArgumentException("targets: expected batch*m = " + batch + "*" + m + " = " + batch * m
                    + " values, got " + targetLength);
    }
}
