package org.newtonloss.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IN.json (DESIGN.md's ranking and path layouts) with Jackson's streaming parser, straight into flat
 * arrays. Every problem is an {@link InputException} with one line that names the file and what is wrong:
 * the field, sample and index of a bad number, both sizes and the row of a shape mismatch, the line and column
 * of malformed JSON. Keys other than the two of the layout are skipped (metadata is allowed).
 */
public final class JsonIo {
    /** NaN and Infinity are accepted by the parser so that they can be reported by field and index. */
    static final JsonFactory FACTORY = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonIo() {}

    /** Reads and validates {@code file}; its layout (ranking or paths) is whichever pair of keys it holds. */
    public static BatchInput read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads and validates {@code file}, requiring layout {@code expected} when it is not null.
     *
     * @throws InputException for a missing or unreadable file, malformed JSON or invalid content
     * @throws IOException    for other I/O failures
     */
    public static BatchInput read(Path file, InputKind expected) throws IOException {
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": file not found");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new InputException(file + ": permission denied");
        }
        if (Files.isDirectory(file)) {
            in.close();
            throw new InputException(file + ": is a directory, not a JSON file");
        }
        try (in) {
            return read(in, file.toString(), expected);
        }
    }

    /** Reads IN.json from a stream; {@code source} names it in messages. */
    public static BatchInput read(InputStream in, String source, InputKind expected) throws IOException {
        Matrix[] fields = new Matrix[4]; // scores, targets, costs, paths
        try (JsonParser p = FACTORY.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new InputException(source + ": empty file, expected a JSON object");
            if (t != JsonToken.START_OBJECT)
                throw new InputException(source + ": expected a JSON object {\"scores\": ..., \"targets\": ...}, got " + describe(t));
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                int slot = slot(name);
                if (slot < 0) {
                    p.skipChildren();
                } else {
                    if (fields[slot] != null) throw new InputException(source + ": key '" + name + "' given twice");
                    fields[slot] = Matrix.parse(p, name, source);
                }
            }
            if (p.nextToken() != null)
                throw new InputException(source + ": unexpected content after the JSON object at " + where(p));
        } catch (JsonProcessingException e) {
            throw new InputException(source + ": malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + firstLine(e.getOriginalMessage()));
        }
        InputKind kind = kindOf(fields, source);
        if (expected != null && kind != expected)
            throw new InputException(source + ": this loss reads '" + expected.inputField() + "' and '" + expected.targetField()
                    + "', but the file holds '" + kind.inputField() + "' and '" + kind.targetField() + "'");
        Matrix inputs = fields[slot(kind.inputField())];
        Matrix targets = fields[slot(kind.targetField())];
        return validate(kind, inputs, targets, source);
    }

    private static int slot(String name) {
        return switch (name) {
            case "scores" -> 0;
            case "targets" -> 1;
            case "costs" -> 2;
            case "paths" -> 3;
            default -> -1;
        };
    }

    private static InputKind kindOf(Matrix[] f, String source) {
        boolean ranking = f[0] != null || f[1] != null;
        boolean paths = f[2] != null || f[3] != null;
        if (ranking && paths)
            throw new InputException(source + ": holds both ranking keys (scores/targets) and path keys (costs/paths); give one pair");
        InputKind kind = paths ? InputKind.PATHS : InputKind.RANKING;
        if (!ranking && !paths)
            throw new InputException(source + ": missing keys: expected \"scores\" and \"targets\" (ranking) or \"costs\" and \"paths\" (paths)");
        for (String key : new String[] {kind.inputField(), kind.targetField()})
            if (f[slot(key)] == null) throw new InputException(source + ": missing key \"" + key + "\"");
        return kind;
    }

    private static BatchInput validate(InputKind kind, Matrix inputs, Matrix targets, String source) {
        String in = kind.inputField();
        String tg = kind.targetField();
        if (inputs.rows() == 0) throw new InputException(source + ": empty batch: \"" + in + "\" has no rows");
        if (inputs.rows() != targets.rows())
            throw new InputException(source + ": \"" + in + "\" has " + inputs.rows() + " rows but \"" + tg + "\" has " + targets.rows());
        int m = inputs.length(0);
        for (int i = 0; i < inputs.rows(); i++) {
            if (inputs.length(i) != targets.length(i))
                throw new InputException(source + ": row " + i + ": " + in + "[" + i + "] has " + inputs.length(i) + " values but "
                        + tg + "[" + i + "] has " + targets.length(i));
            if (inputs.length(i) != m)
                throw new InputException(source + ": row " + i + ": " + in + "[" + i + "] has " + inputs.length(i) + " values but "
                        + in + "[0] has " + m + " (every sample needs the same size)");
        }
        if (m < kind.minValues()) {
            String what = kind == InputKind.RANKING ? "n must be >= 2 (items per sample)" : "a grid needs at least 2x2 cells";
            throw new InputException(source + ": " + what + ", but " + in + "[0] has " + m + (m == 1 ? " value" : " values"));
        }
        if (kind == InputKind.PATHS) {
            int side = (int) Math.round(Math.sqrt(m));
            if (side * side != m)
                throw new InputException(source + ": " + in + "[0] has " + m + " values, not a square grid (side*side)");
            double[] t = targets.values();
            for (int k = 0; k < t.length; k++)
                if (t[k] != 0 && t[k] != 1)
                    throw new InputException(source + ": " + tg + "[" + k / m + "][" + k % m + "] must be 0 or 1, got " + t[k]);
        }
        return new BatchInput(kind, inputs.rows(), m, inputs.values(), targets.values());
    }

    static String describe(JsonToken t) {
        if (t == null) return "end of input";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> t.toString();
        };
    }

    static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** A JSON array of equal-or-not-yet-checked rows of numbers, parsed into one growing flat array. */
    record Matrix(double[] values, int[] rowEnds, int rows) {
        int length(int i) { return rowEnds[i] - (i == 0 ? 0 : rowEnds[i - 1]); }

        static Matrix parse(JsonParser p, String field, String source) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY)
                throw new InputException(source + ": \"" + field + "\" must be an array of rows of numbers, got " + describe(p.currentToken()));
            double[] v = new double[1024];
            int[] ends = new int[64];
            int size = 0;
            int rows = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_ARRAY)
                    throw new InputException(source + ": " + field + "[" + rows + "] must be an array of numbers, got " + describe(t));
                int k = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT)
                        throw new InputException(source + ": " + field + "[" + rows + "][" + k + "] must be a number, got "
                                + describe(t) + (t == JsonToken.VALUE_STRING ? " \"" + abbreviate(p.getText()) + "\"" : ""));
                    double d = p.getDoubleValue();
                    if (!Double.isFinite(d))
                        throw new InputException(source + ": " + field + "[" + rows + "][" + k + "] is " + p.getText()
                                + (Double.isNaN(d) ? "" : " (not finite)") + "; every value must be a finite number");
                    if (size == v.length) v = Arrays.copyOf(v, 2 * size);
                    v[size++] = d;
                    k++;
                }
                if (rows == ends.length) ends = Arrays.copyOf(ends, 2 * rows);
                ends[rows++] = size;
            }
            return new Matrix(Arrays.copyOf(v, size), Arrays.copyOf(ends, rows), rows);
        }

        private static String abbreviate(String s) {
            return s.length() <= 20 ? s : s.substring(0, 20) + "...";
        }
    }
}
