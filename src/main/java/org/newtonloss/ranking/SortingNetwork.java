package org.newtonloss.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable sorting network on {@code n} wires: a sequence of layers of disjoint comparators.
 *
 * <p>Comparator {@code c} of a layer reads wire {@code a(c)} (diffsort's {@code split_a}) and wire {@code b(c)}
 * ({@code split_b}); the relaxed comparator computes {@code α = F(β·(x_b − x_a))} and writes
 * {@code min = α·x_a + (1−α)·x_b} to wire {@code minWire(c)} and {@code max = (1−α)·x_a + α·x_b} to
 * {@code maxWire(c)}, where {@code {minWire, maxWire} = {a, b}}: a comparator is <em>descending</em> when its min
 * goes to wire b. diffsort's identity pseudo-comparators (a wire compared with itself, combined with weights ½/½)
 * are not stored: with {@code d = 0} every family gives {@code α = ½} exactly, so they are exact no-ops in value
 * and in every derivative. A layer may therefore hold no comparator at all; it still counts towards the depth.
 */
public final class SortingNetwork {
    /** One layer: comparators {@code (a[c], b[c])}, min to b when {@code descending[c]}. Immutable. */
    public record Layer(int[] a, int[] b, boolean[] descending) {
        public Layer {
            if (a.length != b.length || a.length != descending.length)
                throw new IllegalArgumentException("layer arrays differ in length: a " + a.length + ", b " + b.length
                        + ", descending " + descending.length);
            a = a.clone();
            b = b.clone();
            descending = descending.clone();
        }

        /** Number of comparators in this layer. */
        public int size() { return a.length; }
        public int a(int c) { return a[c]; }
        public int b(int c) { return b[c]; }
        public boolean descending(int c) { return descending[c]; }
        public int minWire(int c) { return descending[c] ? b[c] : a[c]; }
        public int maxWire(int c) { return descending[c] ? a[c] : b[c]; }
        @Override public int[] a() { return a.clone(); }
        @Override public int[] b() { return b.clone(); }
        @Override public boolean[] descending() { return descending.clone(); }
        @Override public boolean equals(Object o) {
            return o instanceof Layer l && Arrays.equals(a, l.a) && Arrays.equals(b, l.b)
                    && Arrays.equals(descending, l.descending);
        }
        @Override public int hashCode() {
            return 31 * (31 * Arrays.hashCode(a) + Arrays.hashCode(b)) + Arrays.hashCode(descending);
        }
        @Override public String toString() {
            StringBuilder s = new StringBuilder("[");
            for (int c = 0; c < a.length; c++) {
                if (c > 0) s.append(' ');
                s.append(a[c]).append(descending[c] ? ">" : "<").append(b[c]);
            }
            return s.append(']').toString();
        }
    }

    private final String name;
    private final int wires;
    private final List<Layer> layers;

    /**
     * @param name   a short description, e.g. {@code odd_even(5)}
     * @param wires  number of wires n ≥ 2
     * @param layers the layers in execution order; each comparator's wires must be distinct, in [0, n), and no wire
     *               may appear twice in a layer
     */
    public SortingNetwork(String name, int wires, List<Layer> layers) {
        if (wires < 2) throw new IllegalArgumentException("wires must be >= 2, got " + wires);
        this.name = name;
        this.wires = wires;
        this.layers = List.copyOf(layers);
        for (int l = 0; l < this.layers.size(); l++) {
            Layer layer = this.layers.get(l);
            boolean[] used = new boolean[wires];
            for (int c = 0; c < layer.size(); c++) {
                for (int w : new int[] {layer.a(c), layer.b(c)}) {
                    if (w < 0 || w >= wires)
                        throw new IllegalArgumentException("layer " + l + " comparator " + c + ": wire " + w
                                + " outside [0, " + wires + ")");
                    if (used[w])
                        throw new IllegalArgumentException("layer " + l + ": wire " + w + " used twice");
                    used[w] = true;
                }
            }
        }
    }

    public String name() { return name; }
    public int wires() { return wires; }
    public List<Layer> layers() { return layers; }
    /** Number of layers (diffsort's network length), including layers without comparators. */
    public int depth() { return layers.size(); }

    /** Total number of comparators. */
    public int comparators() {
        int k = 0;
        for (Layer l : layers) k += l.size();
        return k;
    }

    /**
     * The comparators in execution order as four flat arrays {a, b, minWire, maxWire} (the form the loss kernels
     * run on: comparators of a layer are disjoint, so running them one after the other is the same as in parallel).
     */
    int[][] flatten() {
        int k = comparators();
        int[][] f = new int[4][k];
        int i = 0;
        for (Layer l : layers) {
            for (int c = 0; c < l.size(); c++, i++) {
                f[0][i] = l.a(c);
                f[1][i] = l.b(c);
                f[2][i] = l.minWire(c);
                f[3][i] = l.maxWire(c);
            }
        }
        return f;
    }

    /** Hard sort of {@code x} (in place) by this network with exact comparators; for tests and documentation. */
    public void hardSort(double[] x) {
        if (x.length != wires) throw new IllegalArgumentException("x.length must be " + wires + ", got " + x.length);
        for (Layer l : layers) {
            for (int c = 0; c < l.size(); c++) {
                double va = x[l.a(c)], vb = x[l.b(c)];
                x[l.minWire(c)] = Math.min(va, vb);
                x[l.maxWire(c)] = Math.max(va, vb);
            }
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof SortingNetwork s && wires == s.wires && layers.equals(s.layers);
    }
    @Override public int hashCode() { return 31 * wires + layers.hashCode(); }
    @Override public String toString() {
        List<String> ls = new ArrayList<>();
        for (Layer l : layers) ls.add(l.toString());
        return name + " " + String.join(" ", ls);
    }
}
