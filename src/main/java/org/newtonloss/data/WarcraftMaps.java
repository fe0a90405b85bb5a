package org.newtonloss.data;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;

/**
 * A generator of Warcraft-style shortest-path maps (the benchmark of Vlastelica et al. 2020, whose files are not
 * reachable here): a K×K grid of five terrain types with costs {0.8, 1.2, 5.3, 7.7, 9.2} in spatially coherent
 * regions, rendered as an 8K×8K RGB image of 8×8-pixel tiles whose colour and texture tell the terrain apart, the
 * true costs, and the exact shortest path (top-left → bottom-right, 8-connected, both ends counted).
 *
 * <p>Regions: a jittered Voronoi partition — about K²/10 region centres, each with a terrain type drawn with
 * probabilities {0.35, 0.30, 0.15, 0.10, 0.10}; each cell takes the type of its nearest centre under a distance
 * perturbed per cell, which gives irregular, connected patches rather than i.i.d. noise. Map i of a split depends
 * only on (seed, split, i), so the output is deterministic and independent of how it is computed.
 */
public final class WarcraftMaps {
    /** Pixels per tile side. */
    public static final int TILE = 8;

    /** The five terrain types, cheapest first. */
    public enum Terrain {
        GRASS(0.8), SAND(1.2), FOREST(5.3), STONE(7.7), WATER(9.2);

        public final double cost;

        Terrain(double cost) { this.cost = cost; }
    }

    private static final double[] FREQUENCY = {0.35, 0.30, 0.15, 0.10, 0.10};

    /**
     * One split: {@code images} N×8K×8K×3 (row-major, RGB), {@code paths} and {@code weights} N×K×K.
     */
    public record Split(int count, int size, byte[] images, float[] paths, float[] weights) {
        public int imageSide() { return size * TILE; }
    }

    private WarcraftMaps() {}

    /**
     * Generates {@code count} maps of side {@code size}.
     *
     * @param splitIndex 0 train, 1 val, 2 test (part of each map's seed)
     * @param progress   receives the number of maps done so far (may be called from one thread only)
     */
    public static Split generate(int count, int size, long seed, int splitIndex, IntConsumer progress) {
        if (count < 0) throw new IllegalArgumentException("map count must be >= 0, got " + count);
        if (size < 2 || size > 256) throw new IllegalArgumentException("grid size must be in [2, 256], got " + size);
        int m = size * size, side = size * TILE;
        byte[] images = new byte[Math.multiplyExact(count, side * side * 3)];
        float[] paths = new float[count * m], weights = new float[count * m];
        int[] terrain = new int[m];
        double[] costs = new double[m], path = new double[m];
        GridShape grid = new GridShape(size, size);
        for (int i = 0; i < count; i++) {
            SplittableRandom rnd = new SplittableRandom(mix(seed, splitIndex, i));
            terrain(rnd, size, terrain);
            // solve on the costs as stored (float32), so the stored path is optimal for the stored weights
            for (int k = 0; k < m; k++) costs[k] = (float) Terrain.values()[terrain[k]].cost;
            GridShortestPath.solve(grid, costs, 0, path, 0);
            for (int k = 0; k < m; k++) {
                weights[i * m + k] = (float) costs[k];
                paths[i * m + k] = (float) path[k];
            }
            render(rnd, size, terrain, images, i * side * side * 3);
            if (progress != null && ((i + 1) % 100 == 0 || i + 1 == count)) progress.accept(i + 1);
        }
        return new Split(count, size, images, paths, weights);
    }

    /** Jittered Voronoi regions of terrain types (indices into {@link Terrain}). */
    static void terrain(SplittableRandom rnd, int size, int[] out) {
        int regions = Math.max(3, size * size / 10);
        double[] cr = new double[regions], cc = new double[regions];
        int[] type = new int[regions];
        for (int r = 0; r < regions; r++) {
            cr[r] = rnd.nextDouble() * size;
            cc[r] = rnd.nextDouble() * size;
            double u = rnd.nextDouble(), acc = 0;
            type[r] = FREQUENCY.length - 1;
            for (int t = 0; t < FREQUENCY.length; t++) {
                acc += FREQUENCY[t];
                if (u < acc) {
                    type[r] = t;
                    break;
                }
            }
        }
        for (int row = 0; row < size; row++)
            for (int col = 0; col < size; col++) {
                double best = Double.POSITIVE_INFINITY;
                int bestType = 0;
                for (int r = 0; r < regions; r++) {
                    double dr = row + 0.5 - cr[r], dc = col + 0.5 - cc[r];
                    double dist = Math.sqrt(dr * dr + dc * dc) + 0.9 * rnd.nextDouble();
                    if (dist < best) {
                        best = dist;
                        bestType = type[r];
                    }
                }
                out[row * size + col] = bestType;
            }
    }

    /** Procedural 8×8 textures: base colour, per-pixel grain and a pattern per terrain. */
    static void render(SplittableRandom rnd, int size, int[] terrain, byte[] image, int offset) {
        int side = size * TILE;
        for (int row = 0; row < size; row++)
            for (int col = 0; col < size; col++) {
                int t = terrain[row * size + col];
                int cx = rnd.nextInt(TILE), cy = rnd.nextInt(TILE); // a feature position per tile (tree, wave phase)
                for (int y = 0; y < TILE; y++)
                    for (int x = 0; x < TILE; x++) {
                        int grain = rnd.nextInt(21) - 10;
                        int r, g, b;
                        switch (Terrain.values()[t]) {
                            case GRASS -> {
                                boolean blade = rnd.nextInt(6) == 0;
                                r = 96; g = blade ? 185 : 160; b = 64;
                            }
                            case SAND -> {
                                boolean dot = rnd.nextInt(8) == 0;
                                r = dot ? 180 : 214; g = dot ? 160 : 192; b = dot ? 100 : 128;
                            }
                            case FOREST -> {
                                int dx = x - cx, dy = y - cy;
                                boolean canopy = dx * dx + dy * dy <= 5;
                                r = canopy ? 18 : 40; g = canopy ? 62 : 96; b = canopy ? 22 : 44;
                            }
                            case STONE -> {
                                boolean mortar = y % 4 == 3 || (x + (y / 4) * 4) % 8 == 7;
                                r = mortar ? 86 : 138; g = mortar ? 84 : 134; b = mortar ? 80 : 128;
                            }
                            default -> {
                                boolean wave = (x + 2 * y + cy) % 6 == 0;
                                r = wave ? 90 : 36; g = wave ? 140 : 78; b = wave ? 225 : 178;
                            }
                        }
                        int p = offset + ((row * TILE + y) * side + col * TILE + x) * 3;
                        image[p] = (byte) clamp(r + grain);
                        image[p + 1] = (byte) clamp(g + grain);
                        image[p + 2] = (byte) clamp(b + grain);
                    }
            }
    }

    private static int clamp(int v) { return Math.max(0, Math.min(255, v)); }

    private static long mix(long seed, int split, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + split * 0xD1B54A32D192ED03L + (index + 1L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
