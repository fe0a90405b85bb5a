package org.newtonloss.newton;

/**
 * One batched Newton step in double. Arrays are flat row-major, sample i at {@code [i*m, (i+1)*m)}; the record
 * owns them (no copies, so {@code equals} is identity on the arrays).
 *
 * @param batch  N
 * @param m      values per sample
 * @param step   (C_i + λ_i I)⁻¹ g_i, or the safeguarded solve (see {@link Safeguard})
 * @param z      z*_i = y_i − step_i, the target of the Newton loss ½‖z* − y‖²
 * @param lambda the damping actually used per sample's system (λ·10^k after k escalations, else λ)
 * @param status per sample: {@link #STATUS_OK}, k in 1..{@link Safeguard#MAX_ESCALATIONS} = escalated k times,
 *               {@link #STATUS_MODIFIED} or {@link #STATUS_FALLBACK}
 * @param stats  counts over the batch
 */
public record NewtonResult(int batch, int m, double[] step, double[] z, double[] lambda, int[] status,
                           NewtonStats stats) {
    /** The system C + λI was positive definite and was solved as asked. */
    public static final int STATUS_OK = 0;
    /** Spectral or clip safeguard changed at least one eigenvalue: the step is not (C + λI)⁻¹ g. */
    public static final int STATUS_MODIFIED = -1;
    /** Escalation failed {@link Safeguard#MAX_ESCALATIONS} times; the spectral safeguard solved the system. */
    public static final int STATUS_FALLBACK = -2;

    /** The Newton loss gradient d(ℓ*)/dy_i = step_i / N of the batch-mean Newton loss, as a new array. */
    public double[] meanLossGradient() {
        double[] out = new double[step.length];
        for (int k = 0; k < out.length; k++) out[k] = step[k] / batch;
        return out;
    }
}
