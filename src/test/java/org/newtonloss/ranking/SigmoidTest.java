package org.newtonloss.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each family: α(0) = ½, derivatives against finite differences, monotonicity, limits, finiteness, float path. */
class SigmoidTest {
    private static final double LAMBDA = 0.25;

    @ParameterizedTest
    @EnumSource(Sigmoid.class)
    void halfAtZero(Sigmoid s) {
        for (double beta : new double[] {0.1, 1, 10, 1e4}) assertEquals(0.5, s.alpha(0, beta, LAMBDA), 0.0, s + " β=" + beta);
    }

    @ParameterizedTest
    @EnumSource(Sigmoid.class)
    void derivativesMatchFiniteDifferences(Sigmoid s) {
        double[] o = new double[3], p = new double[3], m = new double[3];
        for (double beta : new double[] {1, 5, 20}) {
            for (double v : new double[] {-3.1, -1.2, -0.4, -0.13, 0.07, 0.2, 0.6, 1.7, 4.2}) {
                double d = v / beta, h = 1e-6 / beta;
                s.evaluate(d, beta, LAMBDA, o);
                s.evaluate(d + h, beta, LAMBDA, p);
                s.evaluate(d - h, beta, LAMBDA, m);
                double fd1 = (p[0] - m[0]) / (2 * h), fd2 = (p[1] - m[1]) / (2 * h);
                String at = s + " β=" + beta + " d=" + d;
                if (Math.abs(fd1 - o[1]) > 1e-7 * (Math.abs(o[1]) + beta)) fail(at + ": α' " + o[1] + " vs " + fd1);
                if (Math.abs(fd2 - o[2]) > 1e-6 * (Math.abs(o[2]) + beta * beta))
                    fail(at + ": α'' " + o[2] + " vs " + fd2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Sigmoid.class)
    void monotoneWithLimitsAndFinite(Sigmoid s) {
        double[] o = new double[3];
        float[] f = new float[3];
        double previous = -1;
        for (double v = -1e10; v <= 1e10; v = v < 0 ? (v < -1e-3 ? v / 1.7 : -v) : v * 1.7) {
            for (double beta : new double[] {1e-3, 1, 1e4}) {
                s.evaluate(v, beta, LAMBDA, o);
                s.evaluate((float) v, (float) beta, (float) LAMBDA, f);
                for (int k = 0; k < 3; k++) {
                    if (!Double.isFinite(o[k]) || !Float.isFinite(f[k]))
                        fail(s + " d=" + v + " β=" + beta + ": output " + k + " = " + o[k] + " / " + f[k]);
                }
                assertTrue(o[0] >= 0 && o[0] <= 1 && o[1] >= 0, s + " d=" + v + ": α " + o[0] + ", α' " + o[1]);
                assertTrue(f[0] >= 0 && f[0] <= 1 && f[1] >= 0, s + " float d=" + v + ": α " + f[0] + ", α' " + f[1]);
            }
            double a = s.alpha(v, 1, LAMBDA);
            assertTrue(a >= previous, s + ": not monotone at d=" + v);
            previous = a;
        }
        assertTrue(s.alpha(-1e10, 1, LAMBDA) < 1e-9 && s.alpha(1e10, 1, LAMBDA) > 1 - 1e-9, s + ": limits");
    }

    @ParameterizedTest
    @EnumSource(Sigmoid.class)
    void floatAgreesWithDouble(Sigmoid s) {
        double[] o = new double[3];
        float[] f = new float[3];
        for (double beta : new double[] {1, 5, 20}) {
            for (double v : new double[] {-3.1, -0.4, -0.13, 0.07, 0.6, 4.2}) {
                double d = v / beta;
                s.evaluate(d, beta, LAMBDA, o);
                s.evaluate((float) d, (float) beta, (float) LAMBDA, f);
                for (int k = 0; k < 3; k++) {
                    double scale = k == 0 ? 1 : Math.pow(beta, k);
                    if (Math.abs(f[k] - o[k]) > 1e-5 * (Math.abs(o[k]) + scale))
                        fail(s + " β=" + beta + " d=" + d + ": output " + k + " float " + f[k] + " vs " + o[k]);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void floatAtanWithinTwoUlps() {
        for (double x = -1e12; x <= 1e12; x = x < 0 ? (x < -1e-12 ? x / 1.013 : -x) : x * 1.013) {
            float f = (float) x, expected = (float) Math.atan(f), got = Sigmoid.atan(f);
            if (Math.abs(got - expected) > 2 * Math.ulp(expected)) fail("atan(" + f + "): " + got + " vs " + expected);
        }
    }
}
