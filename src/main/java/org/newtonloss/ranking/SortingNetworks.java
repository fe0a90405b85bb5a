package org.newtonloss.ranking;

import java.util.ArrayList;
import java.util.List;

/**
 * The two network families of diffsort ({@code diffsort/networks.py}, commit 5c417ea), built comparator for
 * comparator as diffsort builds them, so that relaxed results match diffsort sample for sample.
 *
 * <p>Known fact (checked with diffsort's own code): diffsort's bitonic network for a non-power of two is not a
 * sorting network for every n. It treats the top {@code 2^k − n} wires as virtual and turns a comparator between a
 * virtual and a real wire into the identity, which is right for ascending comparators (a virtual −∞ stays on
 * top) but not for descending ones; with exact comparators it fails to sort some inputs for n = 22, 38, 42–46, 54
 * (n ≤ 64). We reproduce it as is; see docs/ranking-dsn.md.
 */
public final class SortingNetworks {
    private SortingNetworks() {}

    /** The network families, as named in SPEC strings ({@code odd_even}, {@code bitonic}). */
    public enum Type {
        ODD_EVEN, BITONIC;

        /** The network of this type on n wires. */
        public SortingNetwork build(int n) {
            return this == ODD_EVEN ? oddEven(n) : bitonic(n);
        }

        /** The SPEC name. */
        public String specName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * Odd-even transposition network: n layers; layer l compares (i, i+1) for i = l mod 2, l mod 2 + 2, … with the
     * min on the lower wire. diffsort's corner identities are omitted (exact no-ops).
     */
    public static SortingNetwork oddEven(int n) {
        checkN(n);
        List<SortingNetwork.Layer> layers = new ArrayList<>(n);
        for (int l = 0; l < n; l++) {
            int shift = l % 2;
            int k = (n - shift) / 2;
            int[] a = new int[k], b = new int[k];
            for (int c = 0; c < k; c++) {
                a[c] = shift + 2 * c;
                b[c] = a[c] + 1;
            }
            layers.add(new SortingNetwork.Layer(a, b, new boolean[k]));
        }
        return new SortingNetwork("odd_even(" + n + ")", n, layers);
    }

    /**
     * Bitonic network on N = 2^⌈log2 n⌉ wires, ⌈log2 n⌉ blocks, block q with q + 1 layers. In layer (q, s) with
     * m = 2^(q−s), the comparator at padded index ix (ix mod 2m < m) reads a = ix, b = ix + m and is descending
     * when ⌊ix / 2^(q+1)⌋ is odd. The top v = N − n padded wires are virtual: a comparator with two virtual wires
     * is dropped, one with a single virtual wire becomes the identity (dropped here too), the others are kept with
     * wires shifted down by v.
     */
    public static SortingNetwork bitonic(int n) {
        checkN(n);
        int blocks = 32 - Integer.numberOfLeadingZeros(n - 1); // ⌈log2 n⌉ for n ≥ 2
        int padded = 1 << blocks;
        int virtual = padded - n;
        List<SortingNetwork.Layer> layers = new ArrayList<>();
        for (int q = 0; q < blocks; q++) {
            for (int s = 0; s <= q; s++) {
                int m = 1 << (q - s);
                List<int[]> comps = new ArrayList<>();
                for (int i = 0; i < padded; i += 2 * m) {
                    for (int j = 0; j < m; j++) {
                        int ix = i + j, a = ix, b = ix + m;
                        if (a >= virtual) { // then b > a is real too
                            boolean descending = ((ix >> (q + 1)) & 1) == 1;
                            comps.add(new int[] {a - virtual, b - virtual, descending ? 1 : 0});
                        }
                    }
                }
                int[] ca = new int[comps.size()], cb = new int[comps.size()];
                boolean[] desc = new boolean[comps.size()];
                for (int c = 0; c < comps.size(); c++) {
                    ca[c] = comps.get(c)[0];
                    cb[c] = comps.get(c)[1];
                    desc[c] = comps.get(c)[2] == 1;
                }
                layers.add(new SortingNetwork.Layer(ca, cb, desc));
            }
        }
        return new SortingNetwork("bitonic(" + n + ")", n, layers);
    }

    private static void checkN(int n) {
        if (n < 2) throw new IllegalArgumentException("n must be >= 2 for a sorting network, got " + n);
    }
}
