package org.newtonloss.train;

/** Progress of a training run, for a progress bar or logging; the trainer itself never prints. */
public interface TrainingListener {
    /** Training starts (or resumes) after {@code doneSteps} of {@code totalSteps}. */
    default void started(TrainConfig config, int doneSteps, int totalSteps) {}

    /** A step finished with this mean set loss. Throwing here aborts the run (as a kill would). */
    default void stepDone(int step, double loss) {}

    /** An evaluation finished and was checkpointed. */
    default void evaluated(MetricsRecord record, boolean newBest) {}

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};
}
