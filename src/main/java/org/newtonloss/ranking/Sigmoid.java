package org.newtonloss.ranking;

import java.util.Locale;

/**
 * The comparator relaxations of diffsort ({@code distribution=} in {@code diffsort/functional.py}): the weight
 * {@code α = F(d)} of input a in the min output, as a function of {@code d = b − a} at steepness β, with its first
 * and second derivatives with respect to d. The formulas are diffsort's, term for term (v = β·d):
 *
 * <ul>
 *   <li>{@link #LOGISTIC} σ(v);</li>
 *   <li>{@link #LOGISTIC_PHI} (activation replacement trick) σ(v / (|d| + 1e-10)^λ), λ = art_lambda;</li>
 *   <li>{@link #GAUSSIAN} ½ + ½ erf(d/σ/√2), σ = 1/β (= Φ(v));</li>
 *   <li>{@link #RECIPROCAL} ½ (v / (2 + |v|) + 1);</li>
 *   <li>{@link #CAUCHY} atan(v)/π + ½;</li>
 *   <li>{@link #OPTIMAL} clamp(v, −¼, ¼) + ½ + ([v > ¼] − [v < −¼]) (¼ − 1/(16 (|v| + 1e-10))).</li>
 * </ul>
 *
 * Derivatives follow torch's conventions where a formula is not differentiable: the derivative of |·| at 0 is 0
 * (so the second derivative of reciprocal and optimal at d = 0 is 0, and ART's first derivative at d = 0 is
 * β·1e-10^(−λ)), and clamp passes the gradient at its bounds. Every method is finite for finite d and β
 * (logistic through exp(−|v|), no v² overflow in cauchy).
 */
public enum Sigmoid {
    LOGISTIC {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            logistic(d * beta, out);
            out[2] = out[2] * beta * beta;
            out[1] = out[1] * beta;
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            logistic(d * beta, out);
            out[2] = out[2] * beta * beta;
            out[1] = out[1] * beta;
        }
    },
    LOGISTIC_PHI {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            double ad = Math.abs(d), u = ad + ART_EPS, up = Math.pow(u, lambda);
            double g = d * beta / up;
            double g1 = beta / up * (1 - lambda * ad / u);
            double g2 = beta * lambda * Math.signum(d) / (up * u) * (-2 + (lambda + 1) * ad / u);
            logistic(g, out);
            double s1 = out[1], s2 = out[2];
            out[1] = s1 * g1;
            out[2] = s2 * g1 * g1 + s1 * g2;
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            float ad = Math.abs(d), u = ad + (float) ART_EPS, up = (float) Math.pow(u, lambda);
            float g = d * beta / up;
            float g1 = beta / up * (1 - lambda * ad / u);
            float g2 = beta * lambda * Math.signum(d) / (up * u) * (-2 + (lambda + 1) * ad / u);
            logistic(g, out);
            float s1 = out[1], s2 = out[2];
            out[1] = s1 * g1;
            out[2] = s2 * g1 * g1 + s1 * g2;
        }
    },
    GAUSSIAN {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            double sigma = 1 / beta; // diffsort passes sigma = 1/steepness and divides by it
            double z = d / sigma;
            out[0] = 0.5 + 0.5 * Erf.erf(z / SQRT2);
            double p = 1 / sigma / SQRT_2PI * Math.exp(-0.5 * (z * z));
            out[1] = p;
            out[2] = -p * (z / sigma);
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            // The JDK has no float erf: the same formulas in double, rounded once.
            double[] t = new double[3];
            evaluate((double) d, (double) beta, (double) lambda, t);
            out[0] = (float) t[0];
            out[1] = (float) t[1];
            out[2] = (float) t[2];
        }
    },
    RECIPROCAL {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            double v = beta * d, q = 2 + Math.abs(v);
            out[0] = 0.5 * (v / q + 1);
            out[1] = beta / (q * q);
            out[2] = -2 * beta * beta * Math.signum(v) / (q * q * q);
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            float v = beta * d, q = 2 + Math.abs(v);
            out[0] = 0.5f * (v / q + 1);
            out[1] = beta / (q * q);
            out[2] = -2 * beta * (beta / (q * q)) * (Math.signum(v) / q);
        }
    },
    CAUCHY {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            double v = beta * d, r = 1 / (1 + v * v);
            out[0] = INV_PI * Math.atan(v) + 0.5;
            out[1] = INV_PI * beta * r;
            out[2] = -2 * INV_PI * (beta * r) * (beta * v * r);
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            float v = beta * d, r = 1 / (1 + v * v);
            out[0] = INV_PI_F * atan(v) + 0.5f;
            out[1] = INV_PI_F * beta * r;
            out[2] = -2 * INV_PI_F * (beta * r) * (beta * v * r);
        }
    },
    OPTIMAL {
        @Override public void evaluate(double d, double beta, double lambda, double[] out) {
            double v = beta * d, av = Math.abs(v);
            double side = (v > 0.25 ? 1 : 0) - (v < -0.25 ? 1 : 0);
            out[0] = Math.clamp(v, -0.25, 0.25) + 0.5 + side * (0.25 - 0.0625 / (av + OPT_EPS));
            if (av <= 0.25) {
                out[1] = beta;
                out[2] = 0;
            } else {
                double u = av + OPT_EPS;
                out[1] = beta / (16 * u * u);
                out[2] = -side * beta * beta / (8 * u * u * u);
            }
        }

        @Override public void evaluate(float d, float beta, float lambda, float[] out) {
            float v = beta * d, av = Math.abs(v);
            float side = (v > 0.25f ? 1 : 0) - (v < -0.25f ? 1 : 0);
            out[0] = Math.clamp(v, -0.25f, 0.25f) + 0.5f + side * (0.25f - 0.0625f / (av + (float) OPT_EPS));
            if (av <= 0.25f) {
                out[1] = beta;
                out[2] = 0;
            } else {
                float u = av + (float) OPT_EPS;
                out[1] = beta / (16 * u * u);
                out[2] = -side * (beta / (8 * u)) * (beta / (u * u));
            }
        }
    };

    /** diffsort's constant in the ART denominator (|d| + 1e-10)^λ. */
    static final double ART_EPS = 1e-10;
    /** diffsort's constant in the optimal sigmoid's 1/(16 (|v| + 1e-10)). */
    static final double OPT_EPS = 1e-10;
    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_2PI = Math.sqrt(Math.PI * 2);
    private static final double INV_PI = 1 / Math.PI;
    private static final float INV_PI_F = (float) (1 / Math.PI);

    /**
     * Writes α, dα/dd and d²α/dd² at {@code d = b − a} into {@code out[0..2]}.
     *
     * @param d      b − a
     * @param beta   steepness β &gt; 0
     * @param lambda art_lambda (used by {@link #LOGISTIC_PHI} only)
     * @param out    modified: receives α, α', α''
     */
    public abstract void evaluate(double d, double beta, double lambda, double[] out);

    /** The same in float arithmetic (transcendental functions in double, rounded to float). */
    public abstract void evaluate(float d, float beta, float lambda, float[] out);

    /** α = F(d) alone (allocates; for tests and tools, not for inner loops). */
    public double alpha(double d, double beta, double lambda) {
        double[] out = new double[3];
        evaluate(d, beta, lambda, out);
        return out[0];
    }

    /** The SPEC name, e.g. {@code logistic_phi}. */
    public String specName() { return name().toLowerCase(Locale.ROOT); }

    /** σ(v), σ'(v) and σ''(v) into out[0..2], through e = exp(−|v|) so that no intermediate overflows. */
    private static void logistic(double v, double[] out) {
        double e = Math.exp(-Math.abs(v)), s = 1 / (1 + e);
        out[0] = v >= 0 ? s : e * s;
        double s1 = e * s * s; // σ(1 − σ), symmetric in v
        out[1] = s1;
        out[2] = s1 * (v >= 0 ? (e - 1) * s : (1 - e) * s); // σ(1−σ)(1−2σ)
    }

    /**
     * atan in float, within ~2 ulp: reduction to |z| ≤ tan(π/8) (atan x = π/2 − atan(1/x), π/4 + atan((x−1)/(x+1)))
     * and the odd minimax polynomial of Cephes' atanf (Moshier). Math.atan is not intrinsified and costs ~4× more.
     */
    static float atan(float x) {
        float ax = Math.abs(x), base, z;
        if (ax > 2.4142135f) {
            base = (float) (Math.PI / 2);
            z = -1 / ax;
        } else if (ax > 0.41421357f) {
            base = (float) (Math.PI / 4);
            z = (ax - 1) / (ax + 1);
        } else {
            base = 0;
            z = ax;
        }
        float zz = z * z;
        float r = base + ((((8.05374449538e-2f * zz - 1.38776856032e-1f) * zz + 1.99777106478e-1f) * zz
                - 3.33329491539e-1f) * zz * z + z);
        return x < 0 ? -r : r;
    }

    private static void logistic(float v, float[] out) {
        float e = (float) Math.exp(-Math.abs(v)), s = 1 / (1 + e);
        out[0] = v >= 0 ? s : e * s;
        float s1 = e * s * s;
        out[1] = s1;
        out[2] = s1 * (v >= 0 ? (e - 1) * s : (1 - e) * s);
    }
}
