package org.newtonloss.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small npm-style tarballs and IDX files for the readers' tests. */
final class TestArchives {
    private TestArchives() {}

    /** A gzipped ustar archive holding the given files. */
    static void writeTgz(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (var e : entries.entrySet()) {
                byte[] h = new byte[512];
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(name, 0, h, 0, name.length);
                put(h, 100, String.format("%07o", 0644));
                put(h, 108, "0000000");
                put(h, 116, "0000000");
                put(h, 124, String.format("%011o", e.getValue().length));
                put(h, 136, "00000000000");
                h[156] = '0';
                put(h, 257, "ustar");
                put(h, 263, "00");
                for (int i = 148; i < 156; i++) h[i] = ' ';
                int sum = 0;
                for (byte b : h) sum += b & 0xff;
                put(h, 148, String.format("%06o", sum));
                out.write(h);
                out.write(e.getValue());
                out.write(new byte[(512 - e.getValue().length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** {"data": [...]} with {@code images} images whose pixel p is (seed + p) % 11 / 10. */
    static byte[] digitJson(int images, int seed) {
        StringBuilder sb = new StringBuilder("{ \"data\": [");
        for (int k = 0; k < images * DigitImages.PIXELS; k++) {
            if (k > 0) sb.append(',');
            int v = (seed + k) % 11;
            sb.append(v == 10 ? "1" : v == 0 ? "0" : "0." + v);
        }
        return sb.append("] }").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** IDX image + label files, optionally gzipped, with the given raw pixel bytes and labels. */
    static void writeIdx(Path images, Path labels, byte[] pixels, byte[] labelBytes, boolean gzip) throws IOException {
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(img);
        d.writeInt(0x803);
        d.writeInt(labelBytes.length);
        d.writeInt(28);
        d.writeInt(28);
        d.write(pixels);
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream l = new DataOutputStream(lab);
        l.writeInt(0x801);
        l.writeInt(labelBytes.length);
        l.write(labelBytes);
        write(images, img.toByteArray(), gzip);
        write(labels, lab.toByteArray(), gzip);
    }

    private static void write(Path p, byte[] content, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(p, content);
            return;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
    }
}
