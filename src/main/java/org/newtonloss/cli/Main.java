package org.newtonloss.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code newtonloss} command line. Exit status: 0 ok; 2 bad usage or bad input, reported as one line
 * {@code newtonloss: error: ...} on stderr without a stack trace; 1 any other failure, also one line (the stack
 * trace follows only with {@code --verbose} or {@code NEWTONLOSS_DEBUG=1}).
 */
@Command(name = "newtonloss", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Newton losses for algorithmic losses: evaluate relaxed sorting and path losses with exact "
                + "gradients and Hessians, take regularised Newton steps, and benchmark them.",
        subcommands = {InfoCommand.class, EvalCommand.class, NewtonCommand.class, BenchCommand.class, IsolateCommand.class, SyntheticCommand.class, TrainCommand.class, DataCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** A failure that is not the user's input (I/O, a bug). */
    public static final int EXIT_FAILURE = 1;
    /** Bad usage or bad input (unknown option, invalid SPEC or IN.json, unusable backend requested). */
    public static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure, print the stack trace after the one-line message.")
    boolean verbose;

    /** Runs the CLI and exits the JVM with its status. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv());
        System.exit(code);
    }

    /**
     * Runs the CLI in-process (used by {@link #main} and the tests).
     *
     * @param env the environment; {@code NEWTONLOSS_DEBUG=1} turns on stack traces for failures
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        boolean debug = "1".equals(env.get("NEWTONLOSS_DEBUG")) || Arrays.asList(args).contains("--verbose");
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            e.println("newtonloss: error: " + usageMessage(ex) + " (see '" + command + " --help')");
            if (debug) ex.printStackTrace(e);
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean badInput = ex instanceof IllegalArgumentException;
            e.println("newtonloss: error: " + describe(ex));
            if (debug) ex.printStackTrace(e);
            return badInput ? EXIT_USAGE : EXIT_FAILURE;
        });
        try {
            return cl.execute(args);
        } catch (Throwable t) { // errors picocli lets through (OutOfMemoryError, StackOverflowError): still one line
            e.println("newtonloss: error: " + describe(t));
            if (debug) t.printStackTrace(e);
            return EXIT_FAILURE;
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** Without a command: usage error. */
    @Override public void run() {
        java.util.List<String> commands = new java.util.ArrayList<>(spec.subcommands().keySet());
        commands.remove("help");
        throw new ParameterException(spec.commandLine(), "missing command: one of " + String.join(", ", commands));
    }

    /** picocli's message, except that an unknown word where a command belongs is called an unknown command. */
    static String usageMessage(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u && u.getCommandLine().getParent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")
                && u.getCommandLine().getParseResult().subcommand() == null) {
            return "unknown command '" + u.getUnmatched().getFirst() + "' (known: "
                    + String.join(", ", u.getCommandLine().getSubcommands().keySet()) + ")";
        }
        return firstLine(ex.getMessage());
    }

    /** One line for the user: the message of a bad-input error, else the exception's kind and message. */
    static String describe(Throwable t) {
        if (t instanceof IllegalArgumentException) return firstLine(t.getMessage());
        if (t instanceof UncheckedIOException u && u.getCause() != null) t = u.getCause();
        if (t instanceof java.io.IOException) return "I/O error: " + firstLine(t.getMessage());
        if (t instanceof OutOfMemoryError)
            return "out of memory (" + firstLine(t.getMessage()) + "): use a smaller batch or more heap, e.g. "
                    + "NEWTONLOSS_JAVA_OPTS=-Xmx16g";
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m))
                + " (rerun with --verbose for the stack trace)";
    }

    static String firstLine(String s) {
        if (s == null) return "";
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** The project version from the jar manifest; in an unpackaged build, the Maven version of the checkout. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT (unpackaged)";
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"newtonloss " + version(), "Java " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vendor") + ")"};
        }
    }
}
