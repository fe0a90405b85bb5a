package org.newtonloss.backend;

import org.newtonloss.loss.Evaluation;
import org.newtonloss.newton.NewtonResult;

/**
 * A batched Newton step in double with the evaluation it was computed from.
 *
 * @param evaluation per-sample loss and gradient; {@code hess()} holds the per-sample curvature matrices that were
 *                   used (Hessian or Gauss-Newton), or null for the Fisher curvature, which needs none
 * @param result     step, z*, damping and status per sample, and statistics
 */
public record NewtonOutcome(Evaluation evaluation, NewtonResult result) {}
