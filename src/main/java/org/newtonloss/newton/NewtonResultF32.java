package org.newtonloss.newton;

/**
 * One batched Newton step in float: the same fields and status codes as {@link NewtonResult}, with the step
 * and z* rounded to float. The damping per system stays double (it is a power-of-ten multiple of λ).
 */
public record NewtonResultF32(int batch, int m, float[] step, float[] z, double[] lambda, int[] status,
                              NewtonStats stats) {}
