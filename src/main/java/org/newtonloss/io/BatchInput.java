package org.newtonloss.io;

/**
 * A batch read from IN.json, as flat row-major arrays ({@code inputs[i*m + k]} is {@code scores[i][k]} or
 * {@code costs[i][k]}). Validated on reading: {@code batch ≥ 1}, every row has m values, every value finite.
 */
public record BatchInput(InputKind kind, int batch, int m, double[] inputs, double[] targets) {
    public BatchInput {
        if (inputs.length != batch * m || targets.length != batch * m)
            throw new IllegalArgumentException("BatchInput: expected " + batch + "*" + m + " values, got inputs "
                    + inputs.length + ", targets " + targets.length);
    }

    /** The inputs rounded to float; a value beyond float's range is an error naming field, sample and index. */
    public float[] inputsF32() { return toFloat(inputs, kind.inputField()); }

    /** The targets rounded to float, checked like {@link #inputsF32()}. */
    public float[] targetsF32() { return toFloat(targets, kind.targetField()); }

    private float[] toFloat(double[] a, String field) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
            if (Float.isInfinite(f[i]))
                throw new IllegalArgumentException(field + "[" + i / m + "][" + i % m + "] = " + a[i]
                        + " is out of float range (use --precision double)");
        }
        return f;
    }
}
