package org.newtonloss.loss;

/** {@link Evaluation} in float. */
public record EvaluationF32(int batch, int m, float[] loss, float[] grad, float[] hess) {}
