package org.newtonloss.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** What the experiment commands ({@code isolate}, {@code synthetic}) share: option parsing and result files. */
final class ExperimentOutput {
    private ExperimentOutput() {}

    /** Prints the Markdown table, writes it to {@code markdown} and the document to {@code json} when given. */
    static void write(PrintWriter out, String table, Path markdown, Path json, Map<String, Object> doc)
            throws IOException {
        out.print(table);
        if (markdown != null) Files.writeString(markdown, table);
        if (json != null) new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
    }

    /** Parses one element of a list option; a bad value is an IllegalArgumentException naming the option. */
    static <T> T parse(String option, String value, Function<String, T> parser) {
        try {
            return parser.apply(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
