package org.newtonloss.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.newtonloss.paths.Smoothing;
import org.newtonloss.spec.Losses;

/** The CPU path losses map to the path kernels' parameters (kernels/nl_paths.cuh PathSpec); no GPU needed. */
class PathKernelTest {
    record Case(String spec, int family, boolean l2, boolean gram) {}

    static Case[] cases() {
        return new Case[] {
            new Case("smooth-loss:samples=3,sigma=0.5,seed=1", PathKernel.SMOOTH_LOSS, false, false),
            new Case("smooth-algorithm:samples=4,sigma=0.5,seed=1,loss=l2", PathKernel.SMOOTH_ALGORITHM, true, true),
            new Case("smooth-algorithm:samples=4,sigma=0.5,seed=1,loss=l1", PathKernel.SMOOTH_ALGORITHM, false, false),
            new Case("fenchel-young:samples=6,sigma=2.0,seed=3,antithetic=true,baseline=false", PathKernel.FENCHEL_YOUNG, false, false)};
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mapsTheFamilyAndItsSettings(Case c) {
        PathKernel k = PathKernel.of(Losses.parse(c.spec())).orElseThrow();
        assertEquals(c.family(), k.family(), c.spec());
        assertEquals(c.l2(), k.l2(), c.spec());
        assertEquals(c.gram(), k.needsGram(), c.spec());
        assertTrue(PathKernel.supports(Losses.parse(c.spec())));
        assertEquals(2L * k.samples() + 1 + 144, k.coefficients(144));
    }

    @Test
    void otherLossesHaveNoPathKernel() {
        for (String spec : new String[] {"bellman-ford:loop=for,loss=l2,beta=10,iterations=25", "neuralsort:tau=1", "softmax-ce"}) {
            assertTrue(PathKernel.of(Losses.parse(spec)).isEmpty(), spec);
            assertFalse(PathKernel.supports(Losses.parse(spec)), spec);
        }
        assertThrows(IllegalArgumentException.class, () -> new PathKernel(3, new Smoothing(3, 0.5, 1, false, true), false));
    }

    @Test
    void bellmanFordHasAKernelForTheForLoopOnly() {
        BellmanFordKernel k = BellmanFordKernel.of(Losses.parse(
                "bellman-ford:loop=for,loss=l1,beta=7,iterations=25,tconorm=hamacher,p=3,start=absorb")).orElseThrow();
        assertEquals(new BellmanFordKernel(25, 7, 1, 3, true, false), k);
        assertEquals(2, BellmanFordKernel.of(Losses.parse("bellman-ford:loop=for,tconorm=yager")).orElseThrow().tconorm());
        assertTrue(BellmanFordKernel.of(Losses.parse("bellman-ford:loop=while,loss=l2,beta=10,iterations=25")).isEmpty());
        assertFalse(k.infinityRegime(12, 12));
        assertTrue(new BellmanFordKernel(10, 10, 0, 5, false, true).infinityRegime(12, 12));
        assertFalse(new BellmanFordKernel(11, 10, 0, 5, false, true).infinityRegime(12, 12));
        // kernels/nl_bf.cuh bf_scratch at 12×12, N = 25: 144·(20 + 52) + 196·28
        assertEquals(144 * 72 + 196 * 28, k.scratch(12, 12));
    }

    /** The uploaded noise is, sample by sample, what the CPU classes draw for that batch index. */
    @Test
    void noiseIsTheCpuDrawsOfEachBatchIndex() {
        PathKernel k = PathKernel.of(Losses.parse("fenchel-young:samples=4,sigma=0.5,seed=9,antithetic=true")).orElseThrow();
        int m = 25, batch = 3;
        double[] eps = CudaPaths.noise(k, batch, m);
        for (int b = 0; b < batch; b++) {
            double[] one = new double[4 * m];
            k.smoothing().noise(b, m, one);
            assertArrayEquals(one, Arrays.copyOfRange(eps, b * 4 * m, (b + 1) * 4 * m), "sample " + b);
        }
        double[] other = new double[4 * m];
        k.smoothing().noise(batch, m, other);
        assertFalse(Arrays.equals(other, Arrays.copyOfRange(eps, 0, 4 * m)), "samples draw different noise");
    }
}
