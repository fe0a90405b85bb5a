package org.newtonloss.train;

/**
 * One evaluation of a run: a line of {@code metrics.jsonl} and {@code metrics.csv}.
 *
 * @param step               training steps done
 * @param trainLoss          mean relaxation loss per set over the steps since the previous record
 * @param valExactMatch      validation exact match
 * @param valElementWise     validation element-wise accuracy
 * @param testExactMatch     test exact match
 * @param testElementWise    test element-wise accuracy
 * @param newtonSystems      Newton systems solved since the previous record (0 for curvature none)
 * @param newtonEscalated    of those, systems whose damping was escalated or whose spectrum was modified
 * @param newtonMaxStepRatio largest ‖step‖ / ‖g‖ since the previous record (0 for curvature none)
 * @param seconds            wall-clock seconds of the run so far (training and evaluation; not part of reproducibility)
 */
public record MetricsRecord(int step, double trainLoss, double valExactMatch, double valElementWise, double testExactMatch,
                            double testElementWise, long newtonSystems, long newtonEscalated, double newtonMaxStepRatio,
                            double seconds) {
    /** The same record without its wall-clock time: what an interrupted and resumed run must reproduce. */
    public MetricsRecord withoutTime() {
        return new MetricsRecord(step, trainLoss, valExactMatch, valElementWise, testExactMatch, testElementWise,
                newtonSystems, newtonEscalated, newtonMaxStepRatio, 0);
    }
}
