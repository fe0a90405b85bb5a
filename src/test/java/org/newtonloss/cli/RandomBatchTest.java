package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.InputKind;

/** bench's random batches are seeded and valid: ranking targets are permutations, paths are 8-connected walks. */
class RandomBatchTest {

    @Test
    void rankingTargetsArePermutationsAndSeeded() {
        BatchInput a = RandomBatch.create(InputKind.RANKING, 7, 20, 5);
        assertArrayEquals(a.inputs(), RandomBatch.create(InputKind.RANKING, 7, 20, 5).inputs());
        assertTrue(!Arrays.equals(a.inputs(), RandomBatch.create(InputKind.RANKING, 7, 20, 6).inputs()));
        for (int i = 0; i < a.batch(); i++) {
            double[] t = Arrays.copyOfRange(a.targets(), i * 7, i * 7 + 7);
            Arrays.sort(t);
            assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6}, t);
        }
    }

    @Test
    void pathsAreConnectedMonotoneWalksCornerToCorner() {
        int side = 12;
        BatchInput b = RandomBatch.create(InputKind.PATHS, side, 50, 1);
        assertEquals(144, b.m());
        for (int i = 0; i < b.batch(); i++) {
            int o = i * b.m();
            for (int k = 0; k < b.m(); k++) assertTrue(b.inputs()[o + k] >= 0.5 && b.inputs()[o + k] < 10);
            assertEquals(1.0, b.targets()[o]);
            assertEquals(1.0, b.targets()[o + b.m() - 1]);
            // A monotone walk visits its cells in row-major order; consecutive cells are one step down/right/diagonal.
            int prev = -1;
            for (int k = 0; k < b.m(); k++) {
                if (b.targets()[o + k] == 0) continue;
                assertTrue(b.targets()[o + k] == 1);
                if (prev >= 0) {
                    int dr = k / side - prev / side, dc = k % side - prev % side;
                    assertTrue((dr == 1 && (dc == 0 || dc == 1)) || (dr == 0 && dc == 1),
                            "path " + i + ": step from cell " + prev + " to " + k);
                }
                prev = k;
            }
            assertEquals(b.m() - 1, prev);
        }
    }
}
