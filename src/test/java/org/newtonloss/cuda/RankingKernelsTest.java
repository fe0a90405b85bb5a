package org.newtonloss.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.newtonloss.ranking.Sigmoid;
import org.newtonloss.ranking.SortingNetwork;
import org.newtonloss.ranking.SortingNetworks;
import org.newtonloss.spec.Losses;

/** The Java side of the kernel contract: loss → kernel mapping, comparator tables, launch sizing. */
class RankingKernelsTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 7, 8, 13, 16, 32})
    void comparatorTablesFollowTheNetworksLayerByLayer(int n) {
        for (SortingNetwork net : new SortingNetwork[] {SortingNetworks.oddEven(n), SortingNetworks.bitonic(n)}) {
            int[] table = RankingKernels.comparators(net);
            assertEquals(3 * net.comparators(), table.length, net.name());
            int k = 0;
            for (SortingNetwork.Layer layer : net.layers())
                for (int c = 0; c < layer.size(); c++, k += 3) {
                    assertArrayEquals(new int[] {layer.a(c), layer.b(c), layer.descending(c) ? 1 : 0},
                            new int[] {table[k], table[k + 1], table[k + 2]}, net.name() + " comparator " + k / 3);
                    assertTrue(table[k] >= 0 && table[k] < n && table[k + 1] >= 0 && table[k + 1] < n, "wires in range");
                }
        }
    }

    @Test
    void everySigmoidHasItsOwnKernelIndex() {
        Set<Integer> seen = new HashSet<>();
        for (Sigmoid s : Sigmoid.values()) assertTrue(seen.add(RankingKernels.sigmoidIndex(s)), s.name());
        assertEquals(6, seen.size());
        assertEquals(0, RankingKernels.sigmoidIndex(Sigmoid.LOGISTIC));
        assertEquals(4, RankingKernels.sigmoidIndex(Sigmoid.CAUCHY));
    }

    @Test
    void onlyTheRankingFamiliesHaveKernels() {
        assertTrue(RankingKernels.of(Losses.parse("neuralsort:tau=2"), 5).orElseThrow() instanceof RankingKernel.NeuralSort ns && ns.tau() == 2);
        assertTrue(RankingKernels.of(Losses.parse("softsort:tau=0.5,power=2"), 5).orElseThrow()
                instanceof RankingKernel.SoftSort ss && ss.power() == 2);
        RankingKernel.Dsn d = (RankingKernel.Dsn) RankingKernels.of(
                Losses.parse("dsn:network=bitonic,sigmoid=logistic_phi,steepness=7,art_lambda=0.5"), 7).orElseThrow();
        assertEquals(1, d.sigmoid());
        assertEquals(7, d.steepness());
        assertEquals(0.5, d.artLambda());
        assertFalse(RankingKernels.of(Losses.parse("mse"), 5).isPresent());
        assertFalse(RankingKernels.supports(Losses.parse("softmax-ce")));
    }

    @Test
    void badKernelParametersAreRejectedWithTheirValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RankingKernel.Dsn(new int[] {0, 1}, 0, 1, 0.25))
                .getMessage().contains("got 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RankingKernel.Dsn(new int[0], 6, 1, 0.25))
                .getMessage().contains("got 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RankingKernel.SoftSort(1, 3)).getMessage().contains("got 3"));
    }

    @Test
    void launchesUseWholeBlocksAndRespectTheScratchBudget() {
        long budget = 1L << 30;
        assertEquals(Kernels.BLOCK, Kernels.threads(1, Kernels.BLOCK, 0, budget));
        assertEquals(Kernels.MAX_BLOCKS * Kernels.BLOCK, Kernels.threads(1L << 40, Kernels.BLOCK, 0, budget));
        long perThread = 1 << 20;  // 1 MiB of scratch per thread: at most 1 GiB / (1 MiB · 128) = 8 blocks
        int threads = Kernels.threads(1_000_000, Kernels.BLOCK, perThread, budget);
        assertEquals(0, threads % Kernels.BLOCK);
        assertTrue((long) threads * perThread <= budget, threads + " threads");
        assertEquals(8 * Kernels.BLOCK, threads);
        assertEquals(Kernels.BLOCK, Kernels.threads(1_000_000, Kernels.BLOCK, 1L << 40, budget), "at least one block");
    }
}
