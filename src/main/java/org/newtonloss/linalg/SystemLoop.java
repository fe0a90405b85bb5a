package org.newtonloss.linalg;

import java.util.function.IntConsumer;
import org.newtonloss.loss.Batches;

/**
 * Runs a body once per system of a batch: on the calling thread when the whole batch is small, otherwise in
 * parallel with {@link Batches#forEachSample}. Forking onto the common pool costs tens of microseconds (far more
 * on a loaded machine), which is more than a batch of 256 Cholesky solves of order 5 takes on one core.
 */
public final class SystemLoop {
    /** Batches with fewer estimated flops than this run on the calling thread (~0.1 ms of work). */
    public static final long SEQUENTIAL_FLOPS = 1L << 18;

    private SystemLoop() {}

    /**
     * Calls {@code body.accept(s)} for s = 0 … batch−1.
     *
     * @param flopsPerSystem estimated work of one call, used only to decide whether to parallelise
     * @param m              values per system, passed on to {@link Batches#forEachSample}'s chunking
     */
    public static void forEach(int batch, int m, long flopsPerSystem, IntConsumer body) {
        if ((double) batch * flopsPerSystem < SEQUENTIAL_FLOPS) {
            for (int s = 0; s < batch; s++) body.accept(s);
        } else {
            Batches.forEachSample(batch, m, body);
        }
    }

    /** Flops of a Cholesky factorisation plus one solve of order m (m³/3 + 2m², plus loop overhead). */
    public static long choleskyFlops(int m) {
        long mm = m;
        return mm * mm * mm / 3 + 2 * mm * mm + 16;
    }
}
