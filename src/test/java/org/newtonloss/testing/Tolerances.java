package org.newtonloss.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Named tolerances (relative + absolute) and the one comparison every test uses. */
public final class Tolerances {
    /** A tolerance: |a − e| ≤ atol + rtol·|e|. */
    public record Tol(double rtol, double atol) {}

    /** Double against an exact or independent double result. */
    public static final Tol F64 = new Tol(1e-9, 1e-12);
    /** Float against double. */
    public static final Tol F32 = new Tol(1e-4, 1e-5);
    /** Central finite differences in double (step ~1e-5: truncation ~1e-10, rounding ~1e-11 relative). */
    public static final Tol FINITE_DIFFERENCE = new Tol(1e-5, 1e-7);

    private Tolerances() {}

    public static void assertClose(double expected, double actual, Tol tol, String what) {
        if (!Double.isFinite(actual) || Math.abs(actual - expected) > tol.atol() + tol.rtol() * Math.abs(expected))
            fail(what + ": expected " + expected + ", got " + actual + " (|diff| " + Math.abs(actual - expected)
                    + ", rtol " + tol.rtol() + ", atol " + tol.atol() + ")");
    }

    /** Element-wise comparison; the message names the first failing index. */
    public static void assertAllClose(double[] expected, double[] actual, Tol tol, String what) {
        if (expected.length != actual.length)
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        for (int i = 0; i < expected.length; i++) assertClose(expected[i], actual[i], tol, what + "[" + i + "]");
    }

    /** Comparison scaled by the largest magnitude in {@code expected} (for matrices with tiny entries). */
    public static void assertAllCloseScaled(double[] expected, double[] actual, double rtol, String what) {
        if (expected.length != actual.length)
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        double scale = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            if (!Double.isFinite(actual[i]) || Math.abs(actual[i] - expected[i]) > rtol * Math.max(scale, 1e-300))
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (scale " + scale
                        + ", rtol " + rtol + ")");
        }
    }
}
