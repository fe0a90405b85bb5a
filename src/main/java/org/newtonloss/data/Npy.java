package org.newtonloss.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, a version, a header
 * length (2 bytes in 1.0, 4 bytes later; little-endian), a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (N, 12, 12), }} padded with spaces to a multiple of 64
 * and ended by a newline, then the data in C (row-major) order.
 *
 * <p>Supported dtypes: {@code |u1 |i1 |b1 <i2 <u2 <i4 <i8 <f4 <f8} and their big-endian {@code >} forms. Fortran
 * order, object arrays and other dtypes are rejected with a {@link NpyFormatException} naming the file and value.
 * Writing produces version 1.0 (2.0 when the header needs more than 65,535 bytes), little-endian.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    /** Element types; {@link #descr} is the little-endian (or byte-order-free) NumPy name. */
    public enum DType {
        U1("|u1", 1), I1("|i1", 1), B1("|b1", 1), I2("<i2", 2), U2("<u2", 2), I4("<i4", 4), I8("<i8", 8),
        F4("<f4", 4), F8("<f8", 8);

        public final String descr;
        public final int size;

        DType(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }
    }

    /**
     * An array: its dtype, shape and raw little-endian bytes in C order.
     *
     * @param data {@code product(shape) · dtype.size} bytes, little-endian
     */
    public record NpyArray(DType dtype, int[] shape, byte[] data) {
        public NpyArray {
            long count = 1;
            for (int d : shape) {
                if (d < 0) throw new IllegalArgumentException("npy shape has a negative dimension: " + Arrays.toString(shape));
                count *= d;
            }
            if (count * dtype.size != data.length)
                throw new IllegalArgumentException("npy data: shape " + Arrays.toString(shape) + " of " + dtype.descr
                        + " needs " + count * dtype.size + " bytes, got " + data.length);
        }

        /** Number of elements. */
        public long count() { return data.length / dtype.size; }

        /** Every element as a double (integers exactly up to 2^53). */
        public double[] toDoubles() {
            int n = Math.toIntExact(count());
            double[] out = new double[n];
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case U1, B1 -> data[i] & 0xFF;
                    case I1 -> data[i];
                    case I2 -> b.getShort(2 * i);
                    case U2 -> b.getShort(2 * i) & 0xFFFF;
                    case I4 -> b.getInt(4 * i);
                    case I8 -> b.getLong(8 * i);
                    case F4 -> b.getFloat(4 * i);
                    case F8 -> b.getDouble(8 * i);
                };
            }
            return out;
        }

        public static NpyArray ofBytes(int[] shape, byte[] values) { return new NpyArray(DType.U1, shape.clone(), values.clone()); }

        public static NpyArray ofFloats(int[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) b.putFloat(v);
            return new NpyArray(DType.F4, shape.clone(), b.array());
        }

        public static NpyArray ofDoubles(int[] shape, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) b.putDouble(v);
            return new NpyArray(DType.F8, shape.clone(), b.array());
        }

        public static NpyArray ofLongs(int[] shape, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) b.putLong(v);
            return new NpyArray(DType.I8, shape.clone(), b.array());
        }
    }

    /** Writes {@code array} to {@code file} (replacing it). */
    public static void write(Path file, NpyArray array) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, array);
        }
    }

    /** Writes the .npy bytes of {@code array} to {@code out} (not closed). */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.dtype(), array.shape()));
        out.write(array.data());
    }

    /** The header bytes (magic, version, length, dict, padding, newline) for a C-order array. */
    static byte[] header(DType dtype, int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(dtype.descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) s.append(shape[i]).append(i == 0 && shape.length == 1 ? "," : i < shape.length - 1 ? ", " : "");
        s.append("), }");
        byte[] dict = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        int total1 = ((10 + dict.length + 1 + 63) / 64) * 64;
        boolean v1 = total1 - 10 <= 65535;
        int prefix = v1 ? 10 : 12;
        int total = v1 ? total1 : ((prefix + dict.length + 1 + 63) / 64) * 64;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) b.putShort((short) (total - prefix));
        else b.putInt(total - prefix);
        b.put(dict);
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    /** Reads a whole .npy file. */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one array from {@code in}; {@code name} is used in error messages. */
    public static NpyArray read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC))
            throw new NpyFormatException(name + ": not a .npy file (missing the \\x93NUMPY magic)");
        int major = magic[6] & 0xFF;
        if (major < 1 || major > 3)
            throw new NpyFormatException(name + ": unsupported .npy format version " + major + "." + (magic[7] & 0xFF));
        byte[] len = in.readNBytes(major == 1 ? 2 : 4);
        ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(len, 4)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lb.getShort(0) & 0xFFFF : lb.getInt(0) & 0xFFFFFFFFL;
        if (len.length < (major == 1 ? 2 : 4) || headerLength > 1 << 24)
            throw new NpyFormatException(name + ": bad header length " + headerLength);
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) throw new NpyFormatException(name + ": truncated header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, name);
        long count = 1;
        for (int d : h.shape()) count = Math.multiplyExact(count, d);
        long bytes = Math.multiplyExact(count, h.dtype().size);
        if (bytes > Integer.MAX_VALUE - 16) throw new NpyFormatException(name + ": array of " + bytes + " bytes is too large");
        byte[] data = in.readNBytes((int) bytes);
        if (data.length < bytes)
            throw new NpyFormatException(name + ": truncated data, expected " + bytes + " bytes for shape "
                    + Arrays.toString(h.shape()) + ", got " + data.length);
        if (h.bigEndian() && h.dtype().size > 1) swap(data, h.dtype().size);
        return new NpyArray(h.dtype(), h.shape(), data);
    }

    record Header(DType dtype, boolean bigEndian, int[] shape) {}

    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /** Parses the header dict; errors name the file and the offending value. */
    static Header parseHeader(String header, String name) {
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find())
            throw new NpyFormatException(name + ": header lacks descr, fortran_order or shape: " + header.strip());
        if (f.group(1).equals("True"))
            throw new NpyFormatException(name + ": fortran_order True is not supported (write the array in C order)");
        String descr = d.group(1);
        boolean big = descr.startsWith(">");
        String normal = big ? "<" + descr.substring(1) : descr.startsWith("=") ? "<" + descr.substring(1) : descr;
        if (normal.length() == 3 && normal.charAt(2) == '1') normal = "|" + normal.substring(1);
        DType dtype = null;
        for (DType t : DType.values()) if (t.descr.equals(normal)) dtype = t;
        if (dtype == null)
            throw new NpyFormatException(name + ": unsupported dtype '" + descr + "' (supported: "
                    + Arrays.stream(DType.values()).map(t -> t.descr).toList() + ", or > for big-endian)");
        String dims = s.group(1).strip();
        int[] shape;
        if (dims.isEmpty()) shape = new int[0];
        else {
            String[] parts = dims.split(",");
            int count = 0;
            int[] tmp = new int[parts.length];
            for (String part : parts) {
                String p = part.strip().toUpperCase(Locale.ROOT).replace("L", "");
                if (p.isEmpty()) continue;
                try {
                    tmp[count++] = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    throw new NpyFormatException(name + ": bad shape entry '" + part.strip() + "' in " + header.strip());
                }
                if (tmp[count - 1] < 0) throw new NpyFormatException(name + ": negative dimension in shape (" + dims + ")");
            }
            shape = Arrays.copyOf(tmp, count);
        }
        return new Header(dtype, big, shape);
    }

    private static void swap(byte[] data, int size) {
        for (int i = 0; i < data.length; i += size)
            for (int a = i, b = i + size - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
    }
}
