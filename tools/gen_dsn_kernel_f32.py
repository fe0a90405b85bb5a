"""Generates src/main/java/org/newtonloss/ranking/DsnKernelF32.java from DsnKernel.java (the double kernel).

The float kernel is the same algorithm in float arithmetic; only the BCE seed differs (torch's floor on p(1-p), see
docs/ranking-dsn.md). Run from src/main/java/org/newtonloss/ranking after editing DsnKernel.java:
    python3 ../../../../../../tools/gen_dsn_kernel_f32.py
"""
import re
src = open('DsnKernel.java').read()
src = src.replace('''/**
 * The DSN loss of one sample in double:''', '''/**
 * Float twin of {@link DsnKernel} (same algorithm and layout, float arithmetic, written out from it so the JIT can
 * vectorise twice as many lanes). The BCE derivatives use torch's floor max(p(1−p), 1e-12) so they stay within float
 * range; see {@link #lossAndSeed}.
 *
 * <p>The DSN loss of one sample:''')
src = src.replace('final class DsnKernel {', 'final class DsnKernelF32 {')
src = src.replace('DsnKernel(int n, int[][] net, Sigmoid sigmoid, double beta, double lambda, boolean torchCurvature) {\n        this.torchCurvature = torchCurvature;', 'DsnKernelF32(int n, int[][] net, Sigmoid sigmoid, float beta, float lambda) {')
src = src.replace('    private final boolean torchCurvature;\n', '')
src = src.replace('double[]', 'float[]').replace('new double[', 'new float[')
src = src.replace('private final double beta, lambda;', 'private final float beta, lambda;')
src = re.sub(r'\bdouble (?=[a-z])', 'float ', src)
src = src.replace(', 0.0)', ', 0f)')
src = src.replace('col[w * n + w] = 1;', 'col[w * n + w] = 1f;').replace('col[w * nn + w] = 1;', 'col[w * nn + w] = 1f;')
src = re.sub(r'    /\*\* Doubles this kernel holds.*?\n    }\n\n', '', src, flags=re.S)
src = re.sub(r'    /\*\*\n     \* torch\'s second derivative of BCE.*?private static final float TORCH_EPS = 1e-12;\n\n', '', src, flags=re.S)
old_seed = src[src.index('    /** BCE of P against the ranks;'):src.index('    /** Reverse sweep without tangents')]
new_seed = '''    /**
     * BCE of P against the ranks (logs clamped at −100); fills P̄ (and its tangents when {@code tangents}); returns
     * the loss. Derivatives are those of torch's backward, (p − q)/max(p(1−p), 1e-12), and of that expression again
     * for the second derivative (1/p² or 1/(1−p)² above the floor, 1e12 on it).
     */
    private float lossAndSeed(boolean tangents) {
        final int nn = n;
        float inv = 1f / ((float) nn * nn);
        double sum = 0;
        for (int w = 0; w < nn; w++) {
            for (int r = 0; r < nn; r++) {
                int e = w * nn + r;
                float p = col[e];
                boolean q = rank[r] == w;
                float s = q ? p : 1 - p; // the probability whose log is taken
                sum += Math.max(Math.log(s), Bce.LOG_CLAMP);
                float pq = p * (1 - p);
                boolean floored = !(pq > BCE_EPS);
                pbar[e] = (q ? p - 1 : p) / (floored ? BCE_EPS : pq) * inv;
                if (tangents) {
                    float h = (floored ? 1 / BCE_EPS : 1 / (s * s)) * inv;
                    float[] src = dcol[e], dst = dpbar[e];
                    for (int t = 0; t < nn; t++) dst[t] = h * src[t];
                }
            }
        }
        java.util.Arrays.fill(ybar, 0f);
        if (tangents) for (float[] v : dybar) java.util.Arrays.fill(v, 0f);
        return (float) (-sum * inv);
    }

'''
src = src.replace(old_seed, new_seed)
src = src.replace('    private final float[] tmp = new float[3];', '    private final float[] tmp = new float[3];\n    /** torch\'s BCE backward floor on p(1−p). */\n    private static final float BCE_EPS = 1e-12f;')
src = src.replace('''    float evaluate(float[] x, int off''', '''    /** Stable ascending ranks of target[off .. off+n) into {@link #rank}, without allocating. */
    void ranks(float[] target, int off) {
        Ranks.stableAscendingRanksNoAlloc(target, off, n, rank);
    }

    float evaluate(float[] x, int off''')
# double-only API (Gauss-Newton, P, soft sort) ends the class
src = src[:src.index('    /**\n     * Loss, gradient and generalised Gauss-Newton')] + '}\n'
open('DsnKernelF32.java','w').write(src)
