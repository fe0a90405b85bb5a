package org.newtonloss.loss;

/**
 * Per-sample results of a batch in double: {@code loss[N]}, {@code grad[N*m]} and, when asked for,
 * {@code hess[N*m*m]} (null otherwise). Arrays are owned by the record's creator and not copied.
 */
public record Evaluation(int batch, int m, double[] loss, double[] grad, double[] hess) {}
