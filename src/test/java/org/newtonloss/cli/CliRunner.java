package org.newtonloss.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@link Main#run} in-process and captures its exit status, stdout and stderr. */
record CliRunner(int exit, String out, String err) {

    static CliRunner run(String... args) { return run(Map.of(), args); }

    static CliRunner run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new CliRunner(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The stderr lines (a bad-input error must be exactly one). */
    String[] errLines() { return err.isEmpty() ? new String[0] : err.strip().split("\\R"); }

    @Override public String toString() { return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err; }
}
