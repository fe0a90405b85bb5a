package org.newtonloss.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A minimal reader of (uncompressed) ustar archives such as npm tarballs: regular files only. */
final class Tar {
    private static final int BLOCK = 512;

    /** Receives each regular file of the archive. */
    interface FileVisitor { void visit(String name, byte[] content) throws IOException; }

    private Tar() {}

    static void forEachFile(InputStream in, FileVisitor visitor) throws IOException {
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (true) {
            if (in.readNBytes(header, 0, BLOCK) < BLOCK) return; // archives may end without the two zero blocks
            if (isZero(header)) return;
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            if (size < 0 || size > Integer.MAX_VALUE - BLOCK) throw new IOException("tar entry " + name + " has size " + size);
            byte[] content = in.readNBytes((int) size);
            if (content.length < size) throw new IOException("tar entry " + name + " is truncated");
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            if (type == 'L') { longName = text(content, 0, content.length); continue; }
            if (longName != null) { name = longName; longName = null; }
            if (type == '0' || type == 0) visitor.visit(name, content);
            // pax headers ('x', 'g'), links and folders are skipped
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) throws IOException {
        String s = text(b, off, len).strip();
        if (s.isEmpty()) return 0;
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad tar size field '" + s + "'");
        }
    }
}
