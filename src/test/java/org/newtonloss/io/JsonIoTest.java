package org.newtonloss.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IN.json parsing and validation (every message names what is wrong and where) and OUT.json writing. */
class JsonIoTest {

    static BatchInput parse(String json, InputKind expected) throws IOException {
        return JsonIo.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "IN.json", expected);
    }

    @Test
    void readsRankingIntoFlatRowMajorArrays() throws IOException {
        BatchInput b = parse("{\"meta\": {\"a\": [1, {\"b\": null}]}, \"targets\": [[3, 1, 2], [0, 5, -1]],"
                + " \"scores\": [[0.5, -1e-3, 2E2], [1, 2, 3]]}", null);
        assertEquals(InputKind.RANKING, b.kind());
        assertEquals(2, b.batch());
        assertEquals(3, b.m());
        assertArrayEquals(new double[] {0.5, -1e-3, 200, 1, 2, 3}, b.inputs());
        assertArrayEquals(new double[] {3, 1, 2, 0, 5, -1}, b.targets());
        assertArrayEquals(new float[] {0.5f, -1e-3f, 200f, 1, 2, 3}, b.inputsF32());
    }

    @Test
    void readsPathsOnASquareGrid() throws IOException {
        BatchInput b = parse("{\"costs\": [[1, 2, 3, 4]], \"paths\": [[1, 0, 0, 1]]}", InputKind.PATHS);
        assertEquals(InputKind.PATHS, b.kind());
        assertEquals(4, b.m());
        assertArrayEquals(new double[] {1, 0, 0, 1}, b.targets());
    }

    @Test
    void largeBatchesRoundTrip() throws IOException {
        int batch = 2000, n = 16;
        StringBuilder s = new StringBuilder("{\"scores\": [");
        StringBuilder t = new StringBuilder("\"targets\": [");
        for (int i = 0; i < batch; i++) {
            s.append(i == 0 ? "[" : ",[");
            t.append(i == 0 ? "[" : ",[");
            for (int k = 0; k < n; k++) {
                s.append(k == 0 ? "" : ",").append(i * 0.001 + k);
                t.append(k == 0 ? "" : ",").append(n - k);
            }
            s.append(']');
            t.append(']');
        }
        BatchInput b = parse(s.append("], ").append(t).append("]}").toString(), InputKind.RANKING);
        assertEquals(batch, b.batch());
        assertEquals(n, b.m());
        assertEquals(1999 * 0.001 + 15, b.inputs()[batch * n - 1]);
    }

    /** Invalid IN.json text and the fragment its one-line message must contain. */
    record Bad(String what, String json, String message) {
        @Override public String toString() { return what; }
    }

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("NaN", "{\"scores\": [[1, NaN]], \"targets\": [[1, 2]]}", "IN.json: scores[0][1] is NaN"),
                new Bad("Infinity in second sample", "{\"scores\": [[1, 2], [3, Infinity]], \"targets\": [[1, 2], [1, 2]]}",
                        "scores[1][1] is Infinity (not finite)"),
                new Bad("overflowing number", "{\"scores\": [[1, 2]], \"targets\": [[1e400, 2]]}", "targets[0][0] is 1e400 (not finite)"),
                new Bad("string", "{\"scores\": [[1, \"2\"]], \"targets\": [[1, 2]]}", "scores[0][1] must be a number, got a string \"2\""),
                new Bad("null", "{\"scores\": [[1, 2]], \"targets\": [[null, 2]]}", "targets[0][0] must be a number, got null"),
                new Bad("boolean", "{\"scores\": [[true, 2]], \"targets\": [[1, 2]]}", "scores[0][0] must be a number, got a boolean"),
                new Bad("nested array", "{\"scores\": [[[1], 2]], \"targets\": [[1, 2]]}", "scores[0][0] must be a number, got an array"),
                new Bad("row not an array", "{\"scores\": [1, 2], \"targets\": [[1, 2]]}", "scores[0] must be an array of numbers, got a number"),
                new Bad("field not an array", "{\"scores\": {\"a\": 1}, \"targets\": [[1, 2]]}", "\"scores\" must be an array of rows of numbers, got an object"),
                new Bad("row counts", "{\"scores\": [[1, 2], [1, 2], [1, 2]], \"targets\": [[1, 2], [1, 2]]}",
                        "\"scores\" has 3 rows but \"targets\" has 2"),
                new Bad("row lengths across fields", "{\"scores\": [[1, 2, 3], [1, 2, 3]], \"targets\": [[1, 2, 3], [1, 2, 3, 4]]}",
                        "row 1: scores[1] has 3 values but targets[1] has 4"),
                new Bad("ragged rows", "{\"scores\": [[1, 2, 3], [1, 2]], \"targets\": [[1, 2, 3], [1, 2]]}",
                        "row 1: scores[1] has 2 values but scores[0] has 3"),
                new Bad("n = 1", "{\"scores\": [[1]], \"targets\": [[1]]}", "n must be >= 2 (items per sample), but scores[0] has 1 value"),
                new Bad("n = 0", "{\"scores\": [[]], \"targets\": [[]]}", "n must be >= 2 (items per sample), but scores[0] has 0 values"),
                new Bad("empty batch", "{\"scores\": [], \"targets\": []}", "empty batch: \"scores\" has no rows"),
                new Bad("empty file", "", "IN.json: empty file"),
                new Bad("top-level array", "[[1, 2]]", "expected a JSON object"),
                new Bad("truncated", "{\"scores\": [[1, 2]], \"targets\": [[1, 2]", "malformed JSON at line 1, column"),
                new Bad("missing comma", "{\"scores\": [[1, 2]]\n\"targets\": [[1, 2]]}", "malformed JSON at line 2, column 1: Unexpected character"),
                new Bad("trailing content", "{\"scores\": [[1, 2]], \"targets\": [[1, 2]]} {}", "unexpected content after the JSON object"),
                new Bad("missing targets", "{\"scores\": [[1, 2]]}", "missing key \"targets\""),
                new Bad("no known keys", "{\"x\": 1}", "missing keys: expected \"scores\" and \"targets\""),
                new Bad("both layouts", "{\"scores\": [[1, 2]], \"targets\": [[1, 2]], \"costs\": [[1]]}", "holds both ranking keys"),
                new Bad("duplicate key", "{\"scores\": [[1, 2]], \"scores\": [[1, 2]], \"targets\": [[1, 2]]}", "key 'scores' given twice"),
                new Bad("paths not square", "{\"costs\": [[1, 2, 3, 4, 5, 6]], \"paths\": [[1, 0, 0, 0, 0, 1]]}", "costs[0] has 6 values, not a square grid"),
                new Bad("paths not 0/1", "{\"costs\": [[1, 2, 3, 4]], \"paths\": [[1, 0.5, 0, 1]]}", "paths[0][1] must be 0 or 1, got 0.5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void invalidInputIsOneLineNamingTheProblem(Bad c) {
        InputException e = assertThrows(InputException.class, () -> parse(c.json(), null));
        assertTrue(e.getMessage().contains(c.message()), () -> "expected '" + c.message() + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void wrongLayoutForTheLossIsNamed() {
        InputException e = assertThrows(InputException.class,
                () -> parse("{\"scores\": [[1, 2]], \"targets\": [[1, 2]]}", InputKind.PATHS));
        assertEquals("IN.json: this loss reads 'costs' and 'paths', but the file holds 'scores' and 'targets'", e.getMessage());
    }

    @Test
    void floatOverflowIsNamed() throws IOException {
        BatchInput b = parse("{\"scores\": [[1, 2], [3, 1e39]], \"targets\": [[1, 2], [1, 2]]}", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::inputsF32);
        assertEquals("scores[1][1] = 1.0E39 is out of float range (use --precision double)", e.getMessage());
    }

    @Test
    void missingFileAndDirectory(@TempDir Path dir) {
        InputException e = assertThrows(InputException.class, () -> JsonIo.read(dir.resolve("none.json")));
        assertEquals(dir.resolve("none.json") + ": file not found", e.getMessage());
        e = assertThrows(InputException.class, () -> JsonIo.read(dir));
        assertTrue(e.getMessage().endsWith("is a directory, not a JSON file"), e.getMessage());
    }

    @Test
    void outJsonWritesShapesAndFloatsExactly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a/b/out.json");
        try (OutJson out = OutJson.open(file)) {
            out.string("spec", "mse").integer("batch", 2).number("x", 0.1)
                    .vector("loss", Numbers.of(new float[] {0.1f, 1e-30f}))
                    .matrix("gradient", Numbers.of(new double[] {1, 2, 3, 4, 5, 6}), 2, 3)
                    .matrices("hessian", Numbers.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}), 2, 2)
                    .ints("status", new int[] {0, 3})
                    .object("stats", Map.of("systems", 2));
            out.commit();
        }
        String text = Files.readString(file);
        assertTrue(text.contains("\"loss\":[0.1,1.0E-30]"), text); // float's shortest form, not 0.10000000149...
        JsonNode o = new ObjectMapper().readTree(text);
        assertEquals("[[1.0,2.0,3.0],[4.0,5.0,6.0]]", o.get("gradient").toString());
        assertEquals("[[[1.0,2.0],[3.0,4.0]],[[5.0,6.0],[7.0,8.0]]]", o.get("hessian").toString());
        assertEquals("[0,3]", o.get("status").toString());
        assertEquals(2, o.get("stats").get("systems").asInt());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "temporary file left behind");
        }
    }

    @Test
    void outJsonRefusesNonFiniteAndLeavesNoFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("out.json");
        IllegalStateException e;
        try (OutJson out = OutJson.open(file)) {
            e = assertThrows(IllegalStateException.class,
                    () -> out.matrix("gradient", Numbers.of(new double[] {1, 2, Double.NaN, 4}), 2, 2));
        }
        assertEquals("refusing to write non-finite gradient[1][0] = NaN", e.getMessage());
        try (OutJson out = OutJson.open(file)) {
            e = assertThrows(IllegalStateException.class,
                    () -> out.matrices("hessian", Numbers.of(new double[] {1, 2, 3, 4, 5, 6, 7, Double.NEGATIVE_INFINITY}), 2, 2));
            assertEquals("refusing to write non-finite hessian[1][1][1] = -Infinity", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> out.vector("loss", Numbers.of(new float[] {1, Float.NaN})));
            assertEquals("refusing to write non-finite loss[1] = NaN", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> out.matrix("z", Numbers.of(new double[] {1, Double.NaN}), 1, 2));
            assertEquals("refusing to write non-finite z[0][1] = NaN", e.getMessage());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "no OUT.json and no temporary file after a failure");
        }
    }

    @Test
    void outJsonChecksShapes(@TempDir Path dir) throws IOException {
        try (OutJson out = OutJson.open(dir.resolve("o.json"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> out.matrices("hessian", Numbers.of(new double[7]), 2, 2));
            assertEquals("hessian: expected 8 values, got 7", e.getMessage());
        }
    }
}
