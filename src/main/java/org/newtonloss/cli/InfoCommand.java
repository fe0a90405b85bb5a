package org.newtonloss.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.newtonloss.backend.BackendStatus;
import org.newtonloss.backend.Backends;
import org.newtonloss.spec.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code newtonloss info}: version, Java, cores, the backends with the reason each is (not) usable, loss families. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print the version, the Java runtime, the backends (usable or why not) and the loss families.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("newtonloss " + Main.version());
        out.println("java:     " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        out.println("os:       " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        out.println("backends:");
        for (BackendStatus s : Backends.describe())
            out.printf("  %-6s %-11s %s%n", s.name(), s.usable() ? "usable" : "not usable", s.reason());
        out.println("auto:     " + Backends.select(Backends.AUTO).name());
        out.println("losses:   " + String.join(", ", Losses.families()));
        return Main.EXIT_OK;
    }
}
