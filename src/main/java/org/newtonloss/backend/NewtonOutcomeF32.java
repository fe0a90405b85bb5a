package org.newtonloss.backend;

import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.newton.NewtonResultF32;

/** {@link NewtonOutcome} in float. */
public record NewtonOutcomeF32(EvaluationF32 evaluation, NewtonResultF32 result) {}
