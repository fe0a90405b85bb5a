package org.newtonloss.cli;

import java.util.Arrays;

/**
 * Samples per second of a batched operation: warm-up (so the JIT has compiled the hot code: half the measuring
 * time, at least {@value #MIN_WARMUP_SECONDS} s unless the measuring time is below a tenth of that), then
 * {@code repeats} timed rounds of equal length, each running the operation as often as fits (at least once);
 * the result is the median round. Wall-clock time with {@link System#nanoTime()}.
 *
 * @param median  median samples/s over the rounds
 * @param rounds  samples/s of every round, in order
 */
record Throughput(double median, double[] rounds) {

    /** An operation on a whole batch; returns something derived from its result so it cannot be optimised away. */
    @FunctionalInterface
    interface BatchOp {
        double run();
    }

    /** Shortest warm-up: C2 needs a few hundred milliseconds of calls before the rates settle. */
    static final double MIN_WARMUP_SECONDS = 0.5;

    /** Sink for the operations' results (read by nobody; written so the work stays observable). */
    static volatile double sink;

    /**
     * Measures {@code op}.
     *
     * @param batch   samples per call
     * @param seconds total measuring time over all rounds (warm-up adds half of it, at least min(0.5 s, 5·seconds))
     * @param repeats number of rounds ≥ 1
     */
    static Throughput measure(BatchOp op, int batch, double seconds, int repeats) {
        long warmupNanos = (long) (Math.max(seconds / 2, Math.min(MIN_WARMUP_SECONDS, 5 * seconds)) * 1e9);
        long t0 = System.nanoTime();
        do sink = op.run(); while (System.nanoTime() - t0 < warmupNanos);
        long roundNanos = (long) (seconds / repeats * 1e9);
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long calls = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                sink = op.run();
                calls++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < roundNanos);
            rates[r] = calls * (double) batch / (elapsed * 1e-9);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2] : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);
        return new Throughput(median, rates);
    }
}
