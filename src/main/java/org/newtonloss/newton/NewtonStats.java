package org.newtonloss.newton;

/**
 * What happened in one batched Newton step.
 *
 * @param systems             systems solved: N for per-sample curvatures, 1 for shared ones
 * @param escalated           systems whose damping was escalated ({@code status > 0}) or that fell back
 * @param maxEscalation       largest k of λ·10^k used (0 if none)
 * @param fallbacks           systems where escalation was exhausted and the spectral solve was used
 *                            ({@link NewtonResult#STATUS_FALLBACK})
 * @param modifiedSystems     systems whose spectrum the safeguard changed ({@link NewtonResult#STATUS_MODIFIED})
 * @param eigenvaluesModified eigenvalues changed by the spectral / clip safeguard, summed over systems
 *                            (changes within the eigen-solver's accuracy are not counted)
 * @param minEigenvalue       smallest eigenvalue of the symmetrised C seen over the eigen-decomposed systems;
 *                            NaN when no system was eigen-decomposed (check {@link #hasMinEigenvalue()})
 * @param maxStepRatio        max over samples of ‖step_i‖ / ‖g_i‖ (samples with g_i = 0 are skipped)
 */
public record NewtonStats(int systems, int escalated, int maxEscalation, int fallbacks, int modifiedSystems,
                          long eigenvaluesModified, double minEigenvalue, double maxStepRatio) {

    /** True when {@link #minEigenvalue()} holds a value (some system was eigen-decomposed). */
    public boolean hasMinEigenvalue() { return !Double.isNaN(minEigenvalue); }
}
