package org.newtonloss.train;

import java.util.SplittableRandom;
import org.newtonloss.data.DigitImages;
import org.newtonloss.data.MnistPools;

/** Easy synthetic "digits" for fast training tests: digit d is a bright vertical bar at columns 2d+2..2d+4, plus noise. */
public final class SyntheticDigits {
    private SyntheticDigits() {}

    public static DigitImages images(int perClass, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int count = 10 * perClass;
        float[] px = new float[count * DigitImages.PIXELS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int d = i % 10;
            labels[i] = (byte) d;
            for (int row = 4; row < 24; row++)
                for (int c = 2 * d + 2; c < 2 * d + 5; c++) px[i * DigitImages.PIXELS + row * 28 + c] = 0.8f + 0.2f * (float) r.nextDouble();
            for (int k = 0; k < 20; k++) px[i * DigitImages.PIXELS + r.nextInt(DigitImages.PIXELS)] = (float) r.nextDouble();
        }
        return new DigitImages(count, px, labels);
    }

    public static MnistPools pools() {
        return new MnistPools(images(20, 1), images(4, 2), images(4, 3), "synthetic");
    }
}
