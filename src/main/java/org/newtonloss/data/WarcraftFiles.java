package org.newtonloss.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * The Warcraft shortest-path data set's file layout, per split prefix ({@code train}, {@code val}, {@code test}):
 * {@code {split}_maps.npy} (N×8K×8K×3 uint8), {@code {split}_shortest_paths.npy} (N×K×K) and
 * {@code {split}_vertex_weights.npy} (N×K×K). The generator writes paths and weights as float32; the reader takes
 * any supported dtype, so the original files (96×96 images, 12×12 grids) load unchanged.
 */
public final class WarcraftFiles {
    private WarcraftFiles() {}

    /** Writes the three files of a split into {@code dir}. */
    public static void write(Path dir, String split, WarcraftMaps.Split data) throws IOException {
        Files.createDirectories(dir);
        int n = data.count(), k = data.size(), side = data.imageSide();
        Npy.write(dir.resolve(split + "_maps.npy"), Npy.NpyArray.ofBytes(new int[] {n, side, side, 3}, data.images()));
        Npy.write(dir.resolve(split + "_shortest_paths.npy"), Npy.NpyArray.ofFloats(new int[] {n, k, k}, data.paths()));
        Npy.write(dir.resolve(split + "_vertex_weights.npy"), Npy.NpyArray.ofFloats(new int[] {n, k, k}, data.weights()));
    }

    /** Reads a split, checking that the three files agree (N, K, and 8 px per tile). */
    public static WarcraftMaps.Split read(Path dir, String split) throws IOException {
        Npy.NpyArray maps = Npy.read(dir.resolve(split + "_maps.npy"));
        Npy.NpyArray paths = Npy.read(dir.resolve(split + "_shortest_paths.npy"));
        Npy.NpyArray weights = Npy.read(dir.resolve(split + "_vertex_weights.npy"));
        int[] ps = paths.shape(), ws = weights.shape(), ms = maps.shape();
        if (ps.length != 3 || ps[1] != ps[2] || !Arrays.equals(ps, ws))
            throw new IllegalArgumentException(split + ": shortest_paths shape " + Arrays.toString(ps)
                    + " and vertex_weights shape " + Arrays.toString(ws) + " must be equal N×K×K");
        int n = ps[0], k = ps[1];
        if (ms.length != 4 || ms[0] != n || ms[1] != k * WarcraftMaps.TILE || ms[2] != k * WarcraftMaps.TILE || ms[3] != 3
                || maps.dtype() != Npy.DType.U1)
            throw new IllegalArgumentException(split + ": maps must be uint8 of shape [" + n + ", " + k * 8 + ", "
                    + k * 8 + ", 3], got " + maps.dtype().descr + " " + Arrays.toString(ms));
        double[] p = paths.toDoubles(), w = weights.toDoubles();
        float[] pf = new float[p.length], wf = new float[w.length];
        for (int i = 0; i < p.length; i++) {
            pf[i] = (float) p[i];
            wf[i] = (float) w[i];
        }
        return new WarcraftMaps.Split(n, k, maps.data(), pf, wf);
    }

    /**
     * Writes a PNG of the first {@code maps} maps side by side, scaled ×2, with a red square on every cell of the
     * stored shortest path.
     */
    public static void preview(Path file, WarcraftMaps.Split data, int maps) throws IOException {
        int count = Math.min(maps, data.count()), side = data.imageSide(), k = data.size(), scale = 2, gap = 6;
        if (count < 1) return;
        int cell = side * scale;
        BufferedImage img = new BufferedImage(count * (cell + gap) + gap, cell + 2 * gap, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < count; i++) {
            int x0 = gap + i * (cell + gap), base = i * side * side * 3;
            for (int y = 0; y < cell; y++)
                for (int x = 0; x < cell; x++) {
                    int p = base + ((y / scale) * side + x / scale) * 3;
                    int rgb = (data.images()[p] & 0xFF) << 16 | (data.images()[p + 1] & 0xFF) << 8 | (data.images()[p + 2] & 0xFF);
                    img.setRGB(x0 + x, gap + y, rgb);
                }
            int tile = WarcraftMaps.TILE * scale;
            for (int c = 0; c < k * k; c++) {
                if (data.paths()[i * k * k + c] != 1f) continue;
                int cx = x0 + (c % k) * tile + tile / 2, cy = gap + (c / k) * tile + tile / 2;
                for (int dy = -3; dy < 3; dy++) for (int dx = -3; dx < 3; dx++) img.setRGB(cx + dx, cy + dy, 0xE01010);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
