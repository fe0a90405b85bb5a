package org.newtonloss.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FourDigitSetsTest {
    /** count images per class; every image has a unique pixel 0 (its global id / 10000) so it can be recognised. */
    static DigitImages synthetic(int perClass) {
        int count = 10 * perClass;
        float[] px = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i / perClass);
            for (int p = 0; p < DigitImages.PIXELS; p++) px[i * DigitImages.PIXELS + p] = ((i * 31 + p) % 97) / 97f;
            px[i * DigitImages.PIXELS] = i / 10000f;
        }
        return new DigitImages(count, px, labels);
    }

    @Test
    void valuesEqualTheComposedNumbersAndTheImagesAreTheDigitsSideBySide() {
        DigitImages pool = synthetic(7);
        FourDigitSets sets = new FourDigitSets(pool);
        int[] idx = sets.drawIndices(FourDigitSets.stream(5, FourDigitSets.TRAIN, 0), 6, 5);
        float[] f = new float[30 * FourDigitSets.PIXELS];
        float[] v = new float[30];
        sets.compose(idx, f, v);
        for (int k = 0; k < 30; k++) {
            int number = 0;
            for (int d = 0; d < 4; d++) {
                int img = idx[4 * k + d];
                number = 10 * number + pool.labels()[img];
                for (int r = 0; r < 28; r++)
                    for (int c = 0; c < 28; c++)
                        assertEquals(pool.pixels()[img * 784 + r * 28 + c], f[k * 3136 + r * 112 + d * 28 + c],
                                "item " + k + " digit " + d + " pixel (" + r + "," + c + ")");
            }
            assertEquals(number, v[k], "value of item " + k);
        }
    }

    @Test
    void drawsAreDeterministicBySeedAndStepAndDifferAcrossThem() {
        FourDigitSets sets = new FourDigitSets(synthetic(20));
        ItemBatch a = sets.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, 17), 4, 5);
        ItemBatch b = sets.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, 17), 4, 5);
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.values(), b.values());
        assertFalse(Arrays.equals(a.values(), sets.draw(FourDigitSets.stream(1, FourDigitSets.TRAIN, 18), 4, 5).values()));
        assertFalse(Arrays.equals(a.values(), sets.draw(FourDigitSets.stream(2, FourDigitSets.TRAIN, 17), 4, 5).values()));
        assertFalse(Arrays.equals(a.values(), sets.draw(FourDigitSets.stream(1, FourDigitSets.TEST, 17), 4, 5).values()));
    }

    @Test
    void drawsCoverThePoolUniformly() {
        FourDigitSets sets = new FourDigitSets(synthetic(10));
        int[] idx = sets.drawIndices(FourDigitSets.stream(3, FourDigitSets.TRAIN, 0), 1000, 10);
        int[] hits = new int[100];
        for (int i : idx) hits[i]++;
        for (int i = 0; i < 100; i++) assertTrue(Math.abs(hits[i] - 400) < 100, "image " + i + " drawn " + hits[i] + " times of 40000");
    }

    @Test
    void classSplitIsDisjointDeterministicAndKeepsEveryClass() {
        DigitImages all = synthetic(20);
        MnistPools p = MnistPools.splitByClass(all, "test");
        assertEquals(160, p.train().count());
        assertEquals(20, p.validation().count());
        assertEquals(20, p.test().count());
        Set<Float> ids = new HashSet<>();
        for (DigitImages pool : new DigitImages[] {p.train(), p.validation(), p.test()})
            for (int i = 0; i < pool.count(); i++)
                assertTrue(ids.add(pool.pixels()[i * DigitImages.PIXELS]), "image with id " + pool.pixels()[i * 784] + " in two pools");
        assertEquals(200, ids.size());
        for (int c : p.validation().countsPerDigit()) assertEquals(2, c);
        assertEquals(p, MnistPools.splitByClass(all, "test"));
    }

    @Test
    void idxSplitFollowsDiffsort() {
        DigitImages train = synthetic(6000);
        DigitImages test = synthetic(1);
        MnistPools p = MnistPools.splitIdx(train, test, "idx");
        assertEquals(55_000, p.train().count());
        assertEquals(5_000, p.validation().count());
        assertEquals(train.range(55_000, 60_000), p.validation());
        assertEquals(test, p.test());
        assertEquals(11, MnistPools.splitIdx(synthetic(1).range(0, 12), test, "idx").train().count());
    }
}
