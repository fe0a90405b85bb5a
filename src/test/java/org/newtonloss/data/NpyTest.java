package org.newtonloss.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NpyTest {
    record RoundTrip(String name, Npy.NpyArray array) {
        @Override public String toString() { return name; }
    }

    static Stream<RoundTrip> arrays() {
        return Stream.of(
                new RoundTrip("u1 4-d", Npy.NpyArray.ofBytes(new int[] {2, 3, 2, 3}, bytes(36))),
                new RoundTrip("f4 3-d", Npy.NpyArray.ofFloats(new int[] {2, 2, 3}, new float[] {0.8f, 1.2f, 5.3f, 7.7f, 9.2f, -0f, 1e-30f, 3, 4, 5, 6, Float.MAX_VALUE})),
                new RoundTrip("f8 1-d", Npy.NpyArray.ofDoubles(new int[] {3}, new double[] {Math.PI, -1e300, 0.1})),
                new RoundTrip("i8 scalar", Npy.NpyArray.ofLongs(new int[] {}, new long[] {-42})),
                new RoundTrip("empty", Npy.NpyArray.ofFloats(new int[] {0, 12, 12}, new float[0])));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arrays")
    void roundTrip(RoundTrip c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, c.array());
        byte[] file = out.toByteArray();
        int headerEnd = 10 + (file[8] & 0xFF | (file[9] & 0xFF) << 8);
        assertEquals(0, headerEnd % 64, "header padded to 64 bytes");
        assertEquals('\n', file[headerEnd - 1]);
        Npy.NpyArray back = Npy.read(new ByteArrayInputStream(file), c.name());
        assertEquals(c.array().dtype(), back.dtype());
        assertArrayEquals(c.array().shape(), back.shape());
        assertArrayEquals(c.array().data(), back.data());
    }

    /** A file as NumPy writes it, byte for byte: magic, version, header length, dict, padding, data. */
    static byte[] handWritten(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int total = ((prefix + dict.length() + 1 + 63) / 64) * 64;
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) (total - prefix));
        else b.putInt(total - prefix);
        b.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n').put(data);
        return b.array();
    }

    @Test
    void parsesHandWrittenHeaders() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) d.putDouble(i + 0.5);
        Npy.NpyArray a = Npy.read(new ByteArrayInputStream(handWritten(1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", d.array())), "v1");
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, a.toDoubles());
        // version 2.0, big-endian int32, 1-d shape written as (3,)
        ByteBuffer be = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putInt(7).putInt(-8).putInt(1 << 20);
        Npy.NpyArray b = Npy.read(new ByteArrayInputStream(handWritten(2,
                "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", be.array())), "v2");
        assertEquals(Npy.DType.I4, b.dtype());
        assertArrayEquals(new double[] {7, -8, 1 << 20}, b.toDoubles());
        Npy.NpyArray c = Npy.read(new ByteArrayInputStream(handWritten(1,
                "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new byte[] {(byte) 255, 3})), "u1");
        assertArrayEquals(new double[] {255, 3}, c.toDoubles());
    }

    record Bad(String name, byte[] file, String messagePart) {
        @Override public String toString() { return name; }
    }

    static Stream<Bad> badFiles() {
        return Stream.of(
                new Bad("fortran", handWritten(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", new byte[8]), "fortran_order"),
                new Bad("complex", handWritten(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]), "<c16"),
                new Bad("object", handWritten(1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "|O"),
                new Bad("truncated", handWritten(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[8]), "truncated"),
                new Bad("magic", "not numpy at all, really".getBytes(StandardCharsets.US_ASCII), "magic"),
                new Bad("no shape", handWritten(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[0]), "shape"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsUnsupportedFilesWithAClearMessage(Bad bad) {
        NpyFormatException e = assertThrows(NpyFormatException.class,
                () -> Npy.read(new ByteArrayInputStream(bad.file()), bad.name() + ".npy"));
        assertTrue(e.getMessage().contains(bad.messagePart()) && e.getMessage().contains(bad.name() + ".npy"), e.getMessage());
    }
}
