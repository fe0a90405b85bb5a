package org.newtonloss.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newtonloss.cli.DataCommand;
import org.newtonloss.paths.GridShape;
import org.newtonloss.paths.GridShortestPath;
import org.newtonloss.paths.PathMaps;
import picocli.CommandLine;

class WarcraftMapsTest {
    static final double[] COSTS = {0.8, 1.2, 5.3, 7.7, 9.2};

    @Test
    void storedPathsAreOptimalForStoredCostsAndTerrainIsCoherent() {
        int k = 12, m = 144, n = 40;
        WarcraftMaps.Split s = WarcraftMaps.generate(n, k, 3, 0, null);
        GridShape grid = new GridShape(k, k);
        int same = 0, pairs = 0;
        for (int i = 0; i < n; i++) {
            double[] w = new double[m], p = new double[m];
            for (int c = 0; c < m; c++) {
                w[c] = s.weights()[i * m + c];
                p[c] = s.paths()[i * m + c];
                final double wc = w[c];
                assertTrue(java.util.Arrays.stream(COSTS).anyMatch(v -> (float) v == (float) wc), "cost " + wc);
            }
            PathMaps.validate(grid, p, 0);
            double optimal = PathMaps.cost(grid, GridShortestPath.solve(grid, w), 0, w, 0);
            assertEquals(optimal, PathMaps.cost(grid, p, 0, w, 0), 1e-9, "map " + i);
            for (int r = 0; r < k; r++)
                for (int c = 0; c + 1 < k; c++) {
                    pairs += 2;
                    if (w[r * k + c] == w[r * k + c + 1]) same++;
                    if (w[c * k + r] == w[(c + 1) * k + r]) same++;
                }
        }
        // i.i.d. draws with the terrain frequencies would agree on 0.35²+0.30²+0.15²+0.1²+0.1² = 26.5 % of neighbour pairs
        assertTrue(same > 0.6 * pairs, "spatially coherent regions: " + same + " of " + pairs + " neighbour pairs agree");
    }

    @Test
    void tilesTellTheTerrainApartByAppearance() {
        int k = 12, m = 144, side = 96;
        WarcraftMaps.Split s = WarcraftMaps.generate(30, k, 5, 0, null);
        // nearest-centroid classification of tiles by mean colour and colour spread must be perfect
        double[][] sum = new double[5][4];
        int[] count = new int[5];
        double[][] features = new double[30 * m][];
        int[] label = new int[30 * m];
        for (int i = 0; i < 30; i++)
            for (int c = 0; c < m; c++) {
                double[] f = tileFeatures(s.images(), i * side * side * 3, side, c / k, c % k);
                int t = terrainOf(s.weights()[i * m + c]);
                features[i * m + c] = f;
                label[i * m + c] = t;
                count[t]++;
                for (int q = 0; q < 4; q++) sum[t][q] += f[q];
            }
        for (int t = 0; t < 5; t++) assertTrue(count[t] > 0, "terrain " + t + " appears");
        int wrong = 0;
        for (int j = 0; j < features.length; j++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int t = 0; t < 5; t++) {
                double dist = 0;
                for (int q = 0; q < 4; q++) {
                    double d = features[j][q] - sum[t][q] / count[t];
                    dist += d * d;
                }
                if (dist < bestD) { bestD = dist; best = t; }
            }
            if (best != label[j]) wrong++;
        }
        assertEquals(0, wrong, "tiles misclassified by colour");
    }

    static int terrainOf(float cost) {
        for (int t = 0; t < 5; t++) if ((float) COSTS[t] == cost) return t;
        throw new AssertionError("cost " + cost);
    }

    static double[] tileFeatures(byte[] img, int base, int side, int row, int col) {
        double[] f = new double[4];
        double sq = 0;
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) {
                int p = base + ((row * 8 + y) * side + col * 8 + x) * 3;
                for (int ch = 0; ch < 3; ch++) f[ch] += (img[p + ch] & 0xFF) / 64.0;
                double lum = (img[p] & 0xFF) + (img[p + 1] & 0xFF) + (img[p + 2] & 0xFF);
                sq += lum * lum / 64;
            }
        double meanLum = f[0] + f[1] + f[2];
        f[3] = Math.sqrt(Math.max(0, sq - meanLum * meanLum));
        return f;
    }

    @Test
    void commandWritesTheOriginalLayoutDeterministically(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b"), c = dir.resolve("c");
        assertEquals(0, run("paths", "--out", a.toString(), "--train", "12", "--val", "3", "--test", "2", "--seed", "7"));
        assertEquals(0, run("paths", "--out", b.toString(), "--train", "12", "--val", "3", "--test", "2", "--seed", "7"));
        assertEquals(0, run("paths", "--out", c.toString(), "--train", "12", "--val", "3", "--test", "2", "--seed", "8"));
        for (String split : new String[] {"train", "val", "test"})
            for (String part : new String[] {"maps", "shortest_paths", "vertex_weights"}) {
                String file = split + "_" + part + ".npy";
                assertEquals(sha256(a.resolve(file)), sha256(b.resolve(file)), "same seed, same bytes: " + file);
                if (!part.equals("vertex_weights") || split.equals("train"))
                    assertNotEquals(sha256(a.resolve(file)), sha256(c.resolve(file)), "other seed: " + file);
            }
        WarcraftMaps.Split train = WarcraftFiles.read(a, "train");
        assertEquals(12, train.count());
        assertEquals(12, train.size());
        Npy.NpyArray maps = Npy.read(a.resolve("train_maps.npy"));
        assertArrayEquals(new int[] {12, 96, 96, 3}, maps.shape());
        assertEquals(Npy.DType.U1, maps.dtype());
        assertArrayEquals(new int[] {3, 12, 12}, Npy.read(a.resolve("val_shortest_paths.npy")).shape());
        assertEquals(Npy.DType.F4, Npy.read(a.resolve("test_vertex_weights.npy")).dtype());
        WarcraftMaps.Split direct = WarcraftMaps.generate(12, 12, 7, 0, null);
        assertArrayEquals(direct.images(), train.images());
        assertArrayEquals(direct.paths(), train.paths());
        assertNotNull(ImageIO.read(a.resolve("preview.png").toFile()));
        // other sizes: 18x18 grids have 144x144 images
        assertEquals(0, run("paths", "--out", dir.resolve("d").toString(), "--train", "2", "--val", "0", "--test", "0", "--size", "18"));
        assertArrayEquals(new int[] {2, 144, 144, 3}, Npy.read(dir.resolve("d/train_maps.npy")).shape());
        assertFalse(Files.exists(c.resolve("missing.npy")));
        assertEquals(2, run("paths", "--out", dir.resolve("e").toString(), "--size", "1"));
        assertEquals(2, run("paths", "--out", dir.resolve("e").toString(), "--train", "-3"));
    }

    private static int run(String... args) {
        CommandLine cl = new CommandLine(new DataCommand());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true));
        return cl.execute(args);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
