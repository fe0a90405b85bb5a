package org.newtonloss.paths;

/**
 * The t-conorms AlgoVision's traceback accumulates the visited map with, S(a, b) elementwise, with first and
 * second partial derivatives. Each value is computed with the same operation order as the peer, so results
 * agree to rounding.
 */
public enum TConorm {
    /** a + b − ab, computed as (a + b) − ab. */
    PROBABILISTIC,
    /** (a + b + (p−2)ab) / (1 + (p−1)ab), Hamacher with γ = p > 0 (p = 1 is probabilistic). */
    HAMACHER,
    /** min(1, a + b) computed as 1 − relu(1 − a − b), with relu'(0) = 0 as in torch (Yager, w = 1). */
    YAGER;

    /**
     * Writes S, S_a, S_b, S_aa, S_ab, S_bb into {@code out[0..5]}.
     *
     * @param p Hamacher's parameter (ignored by the others)
     */
    void evaluate(double a, double b, double p, double[] out) {
        switch (this) {
            case PROBABILISTIC -> {
                out[0] = (a + b) - a * b;
                out[1] = 1 - b;
                out[2] = 1 - a;
                out[3] = 0;
                out[4] = -1;
                out[5] = 0;
            }
            case HAMACHER -> {
                double num = a + b + (p - 2) * a * b;
                double den = 1 + (p - 1) * a * b;
                double s = num / den;
                double sa = (1 + (p - 2) * b - s * (p - 1) * b) / den;
                double sb = (1 + (p - 2) * a - s * (p - 1) * a) / den;
                out[0] = s;
                out[1] = sa;
                out[2] = sb;
                out[3] = -2 * sa * (p - 1) * b / den;
                out[4] = ((p - 2) - sa * (p - 1) * a - sb * (p - 1) * b - s * (p - 1)) / den;
                out[5] = -2 * sb * (p - 1) * a / den;
            }
            case YAGER -> {
                double r = 1 - a - b;
                boolean open = r > 0;
                out[0] = 1 - Math.max(0, r);
                out[1] = open ? 1 : 0;
                out[2] = open ? 1 : 0;
                out[3] = 0;
                out[4] = 0;
                out[5] = 0;
            }
        }
    }
}
