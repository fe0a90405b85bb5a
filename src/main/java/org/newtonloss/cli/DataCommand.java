package org.newtonloss.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code newtonloss data ...}: data set generators; {@code data paths} writes Warcraft-style shortest-path maps. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Generate data sets.", subcommands = {DataPathsCommand.class})
public final class DataCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "data: missing the data set (e.g. 'data paths')");
    }
}
