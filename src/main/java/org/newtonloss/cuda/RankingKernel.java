package org.newtonloss.cuda;

/**
 * Which ranking relaxation a kernel computes, with its parameters: the CUDA side of the ranking losses of
 * {@code org.newtonloss.ranking}. Scratch sizes mirror {@code dsn_scratch}, {@code neuralsort_scratch} and
 * {@code softsort_scratch} in kernels/nl_*.cuh (elements per thread, of the kernel's scalar type).
 */
public sealed interface RankingKernel permits RankingKernel.Dsn, RankingKernel.NeuralSort, RankingKernel.SoftSort {

    /** Kernel name prefix: {@code nl_<prefix>_eval_f32} etc. */
    String prefix();

    /** Scalar scratch elements per thread for n scores. */
    long scratch(int n);

    /** Int scratch elements per thread for n scores. */
    default long intScratch(int n) { return 0; }

    /**
     * Bytes of the type the kernel computes in: 8, also for float buffers (kernels/newtonloss.cu says why the f32
     * kernels compute in double).
     */
    default int computeBytes(boolean dbl) { return 8; }

    /**
     * A differentiable sorting network.
     *
     * @param comparators 3 ints per comparator in execution order: (a, b, flip), a &lt; b real wires; min goes to a
     *                    and max to b, swapped when flip ≠ 0; no identity or virtual comparators
     * @param sigmoid     the family's index (kernels/nl_dsn.cuh {@code Sigmoid}): logistic 0, logistic_phi 1,
     *                    gaussian 2, reciprocal 3, cauchy 4, optimal 5
     */
    record Dsn(int[] comparators, int sigmoid, double steepness, double artLambda) implements RankingKernel {
        public Dsn {
            if (comparators.length % 3 != 0)
                throw new IllegalArgumentException("comparators: expected 3 ints per comparator, got " + comparators.length);
            if (sigmoid < 0 || sigmoid > 5) throw new IllegalArgumentException("sigmoid index must be 0..5, got " + sigmoid);
            comparators = comparators.clone();
        }

        public int count() { return comparators.length / 3; }

        @Override public String prefix() { return "dsn"; }

        @Override public long scratch(int n) { return 4L * n + 5L * count(); }
    }

    /** NeuralSort with temperature τ. */
    record NeuralSort(double tau) implements RankingKernel {
        @Override public String prefix() { return "neuralsort"; }

        @Override public long scratch(int n) { return 6L * n; }
    }

    /** SoftSort with temperature τ and power p ∈ {1, 2}. */
    record SoftSort(double tau, int power) implements RankingKernel {
        public SoftSort {
            if (power != 1 && power != 2) throw new IllegalArgumentException("power must be 1 or 2, got " + power);
        }

        @Override public String prefix() { return "softsort"; }

        @Override public long scratch(int n) { return 4L * n; }

        @Override public long intScratch(int n) { return n; }
    }
}
