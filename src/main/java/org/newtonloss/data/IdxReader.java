package org.newtonloss.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the standard MNIST IDX files (LeCun's format: big-endian magic 0x00000803 for images, 0x00000801 for
 * labels, then the dimensions, then unsigned bytes), gzip-compressed or not (detected from the first bytes).
 */
public final class IdxReader {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Reads an image file and a label file of the same length; pixels are scaled by 1/255. */
    public static DigitImages read(Path images, Path labels) {
        try (DataInputStream in = open(images); DataInputStream lin = open(labels)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC)
                throw new DataUnavailableException(images + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (rows != DigitImages.SIDE || cols != DigitImages.SIDE)
                throw new DataUnavailableException(images + ": images are " + rows + "x" + cols + ", expected 28x28");
            int lmagic = lin.readInt();
            if (lmagic != LABELS_MAGIC)
                throw new DataUnavailableException(labels + ": not an IDX label file (magic 0x" + Integer.toHexString(lmagic) + ", expected 0x801)");
            int lcount = lin.readInt();
            if (lcount != count)
                throw new DataUnavailableException(images + " holds " + count + " images but " + labels + " holds " + lcount + " labels");
            byte[] raw = new byte[count * DigitImages.PIXELS];
            in.readFully(raw);
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) pixels[i] = (raw[i] & 0xff) / 255f;
            byte[] l = new byte[count];
            lin.readFully(l);
            for (int i = 0; i < count; i++)
                if (l[i] < 0 || l[i] > 9) throw new DataUnavailableException(labels + ": label " + i + " is " + l[i] + ", expected 0..9");
            return new DigitImages(count, pixels, l);
        } catch (java.io.EOFException e) {
            throw new DataUnavailableException(images + " or " + labels + " is truncated", e);
        } catch (IOException e) {
            throw new DataUnavailableException("cannot read " + images + " / " + labels + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finds an IDX file in {@code dir} by its base name (e.g. {@code train-images-idx3-ubyte}), trying the usual
     * spellings: with or without {@code .gz}, and with '.' instead of the last '-'.
     */
    public static Path find(Path dir, String baseName) {
        int dash = baseName.lastIndexOf('-');
        String dotted = baseName.substring(0, dash) + "." + baseName.substring(dash + 1);
        for (String name : new String[] {baseName, baseName + ".gz", dotted, dotted + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new DataUnavailableException("--mnist-dir " + dir + ": no " + baseName + "[.gz] in it");
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        return new DataInputStream(in);
    }
}
