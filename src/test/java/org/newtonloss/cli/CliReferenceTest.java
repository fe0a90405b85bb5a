package org.newtonloss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code eval} end to end on the reference batches of shared/reference (diffsort, NeuralSort, SoftSort in PyTorch,
 * float64): IN.json is written from the file's inputs and targets, and OUT.json's per-sample loss must match the
 * reference to 1e-9 relative on every sample, its gradient on every sample the file does not flag for torch's BCE
 * clamp (there torch's derivative is not the exact one; see the ranking reference tests, which also cover the
 * Hessians with torch's curvature convention).
 */
class CliReferenceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double RTOL = 1e-9;
    @TempDir Path dir;

    /** One reference group: its SPEC and its JSON node. */
    record Group(String file, int index, String spec, JsonNode node) {
        @Override public String toString() { return file + "#" + index + " " + spec; }
    }

    static Stream<Group> groups() throws IOException {
        List<Group> out = new ArrayList<>();
        for (String file : new String[] {"ranking_n5.json", "ranking_bitonic_n7.json"}) {
            JsonNode root;
            try (InputStream in = CliReferenceTest.class.getResourceAsStream("/reference/" + file)) {
                root = JSON.readTree(in);
            }
            int i = 0;
            for (JsonNode g : root.get("groups")) out.add(new Group(file, i++, spec(g), g));
        }
        return out.stream();
    }

    /** DESIGN.md's SPEC for a group's method and parameters. */
    static String spec(JsonNode g) {
        String method = g.get("method").asText();
        JsonNode p = g.get("params");
        if (method.startsWith("ds_"))
            return "dsn:network=" + p.get("sorting_network").asText() + ",sigmoid=" + p.get("distribution").asText()
                    + ",steepness=" + p.get("steepness").asDouble()
                    + (p.has("art_lambda") ? ",art_lambda=" + p.get("art_lambda").asDouble() : "");
        if (method.equals("neuralsort")) return "neuralsort:tau=" + p.get("tau").asDouble();
        if (method.equals("softsort")) return "softsort:tau=" + p.get("tau").asDouble() + ",power=1";
        throw new IllegalStateException("unknown method " + method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void evalMatchesTheReference(Group group) throws IOException {
        JsonNode g = group.node();
        ObjectNode in = JSON.createObjectNode();
        in.set("scores", g.get("x"));
        in.set("targets", g.get("targets"));
        Path input = dir.resolve("in.json");
        Path output = dir.resolve("out.json");
        JSON.writeValue(input.toFile(), in);
        CliRunner r = CliRunner.run("eval", "--loss", group.spec(), "--input", input.toString(), "--output", output.toString());
        assertEquals(0, r.exit(), r::toString);
        JsonNode out = JSON.readTree(output.toFile());
        JsonNode ref = g.get("by_dtype").get("float64");
        // diffsort's gaussian backward rounds sigma to float32; the file also holds the exact derivatives.
        JsonNode derivs = g.has("float64_gaussian_exact_sigma") ? g.get("float64_gaussian_exact_sigma") : ref;
        int compared = 0;
        for (int s = 0; s < g.get("x").size(); s++) {
            String at = group + " sample " + s;
            close(ref.get("loss").get(s).asDouble(), out.get("loss").get(s).asDouble(), 1, at + ": loss");
            if (ref.get("bce_eps_clamp_on_target").get(s).asBoolean()) continue;
            compared++;
            JsonNode expected = derivs.get("grad").get(s);
            double scale = 0;
            for (JsonNode e : expected) scale = Math.max(scale, Math.abs(e.asDouble()));
            for (int k = 0; k < expected.size(); k++)
                close(expected.get(k).asDouble(), out.get("gradient").get(s).get(k).asDouble(), scale, at + ": gradient[" + k + "]");
        }
        assertTrue(compared >= 1, group + ": no unflagged sample");
    }

    static void close(double expected, double actual, double scale, String what) {
        assertTrue(Math.abs(expected - actual) <= RTOL * Math.max(Math.abs(expected), scale),
                what + ": expected " + expected + ", got " + actual);
    }
}
