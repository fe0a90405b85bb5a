package org.newtonloss.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.newtonloss.experiments.CurvatureGrid;
import org.newtonloss.experiments.IsolationExperiment;
import org.newtonloss.experiments.Optimizer;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.newton.Curvature;
import org.newtonloss.newton.NewtonOptions;
import org.newtonloss.newton.Safeguard;
import org.newtonloss.spec.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code newtonloss isolate}: the loss in isolation. Scores are free parameters started at random and minimised by
 * gradient descent, Adam and each Newton variant; the table says how often each reaches the true order, how fast,
 * and where the loss ends.
 */
@Command(name = "isolate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Minimise a loss over free scores (no network) with GD, Adam and every Newton variant "
                + "(curvature x safeguard x lambda) over many seeds; print a Markdown table, optionally JSON.")
final class IsolateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--loss", required = true, paramLabel = "SPEC", description = "The loss, family:key=value,...")
    String loss;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Scores per problem.")
    int n;

    @Option(names = "--seeds", defaultValue = "100", description = "Problems (random starts and true orders). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--steps", defaultValue = "200", description = "Optimisation steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--init-scale", defaultValue = "1", description = "Std. dev. of the initial scores. Default: ${DEFAULT-VALUE}.")
    double initScale;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the problems. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--curvatures", split = ",", defaultValue = "hessian,hessian-mean,fisher,gauss-newton",
            description = "Curvatures to compare. Default: ${DEFAULT-VALUE}.")
    List<String> curvatures;

    @Option(names = "--safeguards", split = ",", defaultValue = "escalate,spectral,clip",
            description = "Safeguards for the Hessians. Default: ${DEFAULT-VALUE}.")
    List<String> safeguards;

    @Option(names = "--lambdas", split = ",", defaultValue = "0.01,0.1,1",
            description = "Damping values. Default: ${DEFAULT-VALUE}.")
    List<Double> lambdas;

    @Option(names = "--gd-lr", split = ",", defaultValue = "1,10,100", description = "GD rates. Default: ${DEFAULT-VALUE}.")
    List<Double> gdRates;

    @Option(names = "--adam-lr", split = ",", defaultValue = "0.01,0.1", description = "Adam rates. Default: ${DEFAULT-VALUE}.")
    List<Double> adamRates;

    @Option(names = "--newton-lr", defaultValue = "1",
            description = "Rate on the Newton loss (1 = step to z*). Default: ${DEFAULT-VALUE}.")
    double newtonRate;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the rows as JSON.")
    Path json;

    @Option(names = "--markdown", paramLabel = "OUT.md", description = "Also write the table to a file.")
    Path markdown;

    @Override public Integer call() throws IOException {
        AlgorithmicLoss l = Losses.parse(loss);
        var config = new IsolationExperiment.Config(l, n, seeds, steps, initScale, seed);
        List<Optimizer> optimizers = new ArrayList<>();
        for (double r : gdRates) optimizers.add(new Optimizer.GradientDescent(positive("--gd-lr", r)));
        for (double r : adamRates) optimizers.add(new Optimizer.Adam(positive("--adam-lr", r)));
        List<Curvature> cs = curvatures.stream().map(c -> ExperimentOutput.parse("--curvatures", c, Curvature::parse)).toList();
        List<Safeguard> ss = safeguards.stream().map(s -> ExperimentOutput.parse("--safeguards", s, Safeguard::parse)).toList();
        for (NewtonOptions o : CurvatureGrid.of(l, cs, ss, lambdas))
            optimizers.add(new Optimizer.Newton(o, positive("--newton-lr", newtonRate)));

        List<IsolationExperiment.Row> rows = new ArrayList<>();
        var err = spec.commandLine().getErr();
        for (int k = 0; k < optimizers.size(); k++) {
            rows.add(IsolationExperiment.run(config, optimizers.get(k)));
            err.printf("\risolate: %d/%d %s", k + 1, optimizers.size(), optimizers.get(k).label());
            err.flush();
        }
        err.println();
        String table = table(l, rows);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("loss", l.spec());
        doc.put("n", n);
        doc.put("seeds", seeds);
        doc.put("steps", steps);
        doc.put("init_scale", initScale);
        doc.put("seed", seed);
        doc.put("rows", rows);
        ExperimentOutput.write(spec.commandLine().getOut(), table, markdown, json, doc);
        return Main.EXIT_OK;
    }

    private String table(AlgorithmicLoss l, List<IsolationExperiment.Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Loss `%s`, n = %d, %d problems, %d steps, initial scores N(0, %s²), seed %d%n%n",
                l.spec(), n, seeds, steps, initScale, seed));
        sb.append("| optimiser | reached true order | median steps to reach | median final loss | exact match at end | safeguarded systems |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (var r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f %% | %s | %s | %.0f %% | %s |%n", r.optimizer(),
                    100 * r.reachedFraction(), Double.isNaN(r.medianStepsToReach()) ? "–" : String.format(Locale.ROOT, "%.0f", r.medianStepsToReach()),
                    r.diverged() ? "diverged" : String.format(Locale.ROOT, "%.4g", r.medianFinalLoss()),
                    100 * r.finalExactMatch(), r.optimizer().startsWith("newton") ? String.format(Locale.ROOT, "%.0f %%", 100 * r.safeguardedFraction()) : "–"));
        }
        return sb.toString();
    }

    private static double positive(String option, double v) {
        if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(option + " must be finite and > 0, got " + v);
        return v;
    }
}
