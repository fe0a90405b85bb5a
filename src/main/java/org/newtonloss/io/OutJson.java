package org.newtonloss.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes OUT.json with Jackson's streaming generator: a JSON object whose per-sample arrays have DESIGN.md's
 * shapes ({@code [N]}, {@code [N][m]}, {@code [N][m][m]}). The file appears atomically on {@link #commit()}
 * (written to a temporary sibling, then moved), so a failure never leaves a half-written OUT.json. A non-finite
 * number is refused with an {@link IllegalStateException} naming the key and position: no silent NaN.
 */
public final class OutJson implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final JsonGenerator g;
    private boolean committed;

    private OutJson(Path target, Path temp, JsonGenerator g) {
        this.target = target;
        this.temp = temp;
        this.g = g;
    }

    /** Starts writing {@code file} (parent folders are created). */
    public static OutJson open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        if (Files.isDirectory(abs)) throw new InputException(file + ": is a directory, expected an output file name");
        Path temp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        JsonGenerator g = JsonIo.FACTORY.createGenerator(temp.toFile(), JsonEncoding.UTF8);
        g.writeStartObject();
        return new OutJson(abs, temp, g);
    }

    /** A string entry (metadata). */
    public OutJson string(String key, String value) throws IOException {
        g.writeStringField(key, value);
        return this;
    }

    /** A number entry (metadata). */
    public OutJson number(String key, double value) throws IOException {
        checkFinite(key, value);
        g.writeNumberField(key, value);
        return this;
    }

    /** An integer entry (metadata). */
    public OutJson integer(String key, long value) throws IOException {
        g.writeNumberField(key, value);
        return this;
    }

    /** A flat object of metadata (values: strings, numbers, booleans, nested maps). */
    public OutJson object(String key, Map<String, ?> values) throws IOException {
        g.writeFieldName(key);
        writeValue(key, values);
        return this;
    }

    /** {@code key: [N]}. */
    public OutJson vector(String key, Numbers a) throws IOException {
        requireFinite(key, a);
        g.writeArrayFieldStart(key);
        for (int i = 0; i < a.length(); i++) a.write(g, i);
        g.writeEndArray();
        return this;
    }

    /** {@code key: [N]} of integers. */
    public OutJson ints(String key, int[] a) throws IOException {
        g.writeFieldName(key);
        g.writeArray(a, 0, a.length);
        return this;
    }

    /** {@code key: [rows][cols]} from row-major {@code a}. */
    public OutJson matrix(String key, Numbers a, int rows, int cols) throws IOException {
        checkSize(key, a, (long) rows * cols);
        requireFinite(key, a, cols);
        g.writeArrayFieldStart(key);
        for (int i = 0; i < rows; i++) {
            g.writeStartArray();
            for (int k = 0; k < cols; k++) a.write(g, i * cols + k);
            g.writeEndArray();
        }
        g.writeEndArray();
        return this;
    }

    /** {@code key: [N][m][m]} from sample-major row-major {@code a}. */
    public OutJson matrices(String key, Numbers a, int batch, int m) throws IOException {
        checkSize(key, a, (long) batch * m * m);
        requireFinite(key, a, m, m);
        g.writeArrayFieldStart(key);
        for (int i = 0; i < batch; i++) {
            g.writeStartArray();
            for (int r = 0; r < m; r++) {
                g.writeStartArray();
                int base = (i * m + r) * m;
                for (int c = 0; c < m; c++) a.write(g, base + c);
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        return this;
    }

    /** Finishes the object and moves the file into place. */
    public void commit() throws IOException {
        g.writeEndObject();
        g.close();
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Without {@link #commit()}: discards the partial file. */
    @Override public void close() throws IOException {
        if (committed) return;
        try {
            g.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Refuses a non-finite entry before anything of {@code key} is written; the message gives its position in
     * the nested shape whose innermost sizes are {@code inner} (e.g. {@code gradient[3][1]}; none for a vector).
     */
    private static void requireFinite(String key, Numbers a, int... inner) {
        for (int k = 0; k < a.length(); k++) {
            double v = a.get(k);
            if (Double.isFinite(v)) continue;
            StringBuilder pos = new StringBuilder();
            int rest = k;
            for (int d = inner.length - 1; d >= 0; d--) {
                pos.insert(0, "[" + rest % inner[d] + "]");
                rest /= inner[d];
            }
            pos.insert(0, "[" + rest + "]");
            throw new IllegalStateException("refusing to write non-finite " + key + pos + " = " + v);
        }
    }

    private void checkFinite(String key, double v) {
        if (!Double.isFinite(v)) throw new IllegalStateException("refusing to write non-finite " + key + " = " + v);
    }

    private static void checkSize(String key, Numbers a, long expected) {
        if (a.length() != expected)
            throw new IllegalArgumentException(key + ": expected " + expected + " values, got " + a.length());
    }

    private void writeValue(String key, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Number n -> {
                checkFinite(key, n.doubleValue());
                g.writeNumber(n.doubleValue());
            }
            case int[] a -> g.writeArray(a, 0, a.length);
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(key + "." + e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            default -> throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " under " + key);
        }
    }
}
