package org.newtonloss.train;

/**
 * The result of a run ({@code DIR/summary.json}): the test accuracy at the step with the best validation exact
 * match (ties: better element-wise, then earlier) is the reported result.
 *
 * @param config           the run's configuration
 * @param stepsDone        steps trained
 * @param bestStep         step of the best validation exact match
 * @param bestValidation   validation accuracy at that step
 * @param testAtBest       test accuracy at that step: the result
 * @param finalValidation  validation accuracy at the last step
 * @param finalTest        test accuracy at the last step
 * @param trainSeconds     wall-clock seconds of the run (all sessions, evaluation included)
 * @param secondsPerStep   mean wall-clock seconds per training step in the last session, evaluation excluded
 * @param newtonSystems    Newton systems solved over the run
 * @param newtonEscalated  of those, systems escalated or modified by the safeguard
 * @param dataSource       where the digits came from
 */
public record TrainSummary(TrainConfig config, int stepsDone, int bestStep, Accuracy bestValidation, Accuracy testAtBest,
                           Accuracy finalValidation, Accuracy finalTest, double trainSeconds, double secondsPerStep,
                           long newtonSystems, long newtonEscalated, String dataSource) {}
