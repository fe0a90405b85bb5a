package org.newtonloss.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.newtonloss.data.WarcraftFiles;
import org.newtonloss.data.WarcraftMaps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code newtonloss data paths --out DIR [--train N --val N --test N --seed S --size K --preview P]}: writes
 * Warcraft-style maps in the original data set's layout ({@code {split}_maps.npy}, {@code _shortest_paths.npy},
 * {@code _vertex_weights.npy}) and {@code preview.png}, with a progress bar on stderr.
 */
@Command(name = "paths", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Write Warcraft-style shortest-path maps (terrain images, vertex weights, true shortest paths) "
                + "in the original .npy layout, plus preview.png.")
public final class DataPathsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--train", defaultValue = "10000", description = "Training maps (default ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--val", defaultValue = "1000", description = "Validation maps (default ${DEFAULT-VALUE}).")
    int val;

    @Option(names = "--test", defaultValue = "1000", description = "Test maps (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "12", description = "Grid side K (default ${DEFAULT-VALUE}; images are 8K×8K).")
    int size;

    @Option(names = "--preview", defaultValue = "8", description = "Maps shown in preview.png (default ${DEFAULT-VALUE}; 0: none).")
    int preview;

    @Override public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (train < 0 || val < 0 || test < 0)
            throw new CommandLine.ParameterException(cl, "map counts must be >= 0, got --train " + train + " --val " + val
                    + " --test " + test);
        if (size < 2 || size > 256) throw new CommandLine.ParameterException(cl, "--size must be in [2, 256], got " + size);
        if (preview < 0) throw new CommandLine.ParameterException(cl, "--preview must be >= 0, got " + preview);
        PrintWriter err = cl.getErr();
        String[] names = {"train", "val", "test"};
        int[] counts = {train, val, test};
        WarcraftMaps.Split first = null;
        for (int s = 0; s < 3; s++) {
            String name = names[s];
            int total = counts[s];
            WarcraftMaps.Split split = WarcraftMaps.generate(total, size, seed, s, done -> bar(err, name, done, total));
            if (total == 0) bar(err, name, 0, 0);
            err.println();
            WarcraftFiles.write(out, name, split);
            if (first == null && total > 0) first = split;
        }
        if (preview > 0 && first != null) WarcraftFiles.preview(out.resolve("preview.png"), first, preview);
        cl.getOut().println("wrote " + train + "/" + val + "/" + test + " maps of " + size + "x" + size + " to " + out);
        return Main.EXIT_OK;
    }

    private static void bar(PrintWriter err, String name, int done, int total) {
        int width = 30, filled = total == 0 ? width : (int) ((long) done * width / total);
        err.print("\r" + String.format("%-5s [", name) + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        err.flush();
    }
}
