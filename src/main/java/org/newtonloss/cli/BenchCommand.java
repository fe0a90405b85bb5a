package org.newtonloss.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.newtonloss.backend.CpuBackend;
import org.newtonloss.backend.LossBackend;
import org.newtonloss.backend.Precision;
import org.newtonloss.cuda.CudaBackend;
import org.newtonloss.cuda.KernelTimings;
import org.newtonloss.cuda.RankingKernels;
import org.newtonloss.io.BatchInput;
import org.newtonloss.io.InputKind;
import org.newtonloss.io.OutJson;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.spec.Losses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code newtonloss bench}: samples per second of loss + gradient, loss + gradient + Hessian, and the full Newton
 * step (loss + gradient + curvature + solve), on a seeded random batch; median of repeats after warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Benchmark a loss: samples/s of loss+gradient, +Hessian and the full Newton step "
                + "(median of repeats after warm-up, seeded random inputs).")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--loss", required = true, paramLabel = "SPEC", description = "The loss, family:key=value,...")
    String loss;

    @Option(names = "--n", required = true, paramLabel = "N",
            description = "Items per sample (ranking) or grid side (paths: 12 means m = 144).")
    int n;

    @Option(names = "--batch", required = true, paramLabel = "B", description = "Samples per batch.")
    int batch;

    @Mixin NewtonOptionsMixin newton;

    @Mixin BackendOptions backendOptions;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "1",
            description = "Measuring time per operation, split into the repeats; warm-up adds half (at least 0.5 s). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5", description = "Timed rounds per operation. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random batch. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the results as JSON.")
    Path json;

    @Override public Integer call() throws IOException {
        AlgorithmicLoss lossFn = Losses.parse(loss);
        InputKind kind = InputKind.forFamily(org.newtonloss.spec.Spec.parse(loss).family());
        if (n < 2) throw new IllegalArgumentException("--n must be >= 2, got " + n);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(seconds > 0) || !Double.isFinite(seconds) || seconds > 3600)
            throw new IllegalArgumentException("--seconds must be > 0 and <= 3600, got " + seconds);
        if (repeats < 1 || repeats > 1000) throw new IllegalArgumentException("--repeats must be in 1..1000, got " + repeats);
        int m = kind.valuesPerSample(n);
        lossFn.checkDimension(m);
        LossInput.checkHessianSize(batch, m);
        Precision precision = backendOptions.precision(Precision.FLOAT);
        var options = newton.options();
        LossBackend backend = backendOptions.select(lossFn, precision);
        BatchInput input = RandomBatch.create(kind, n, batch, seed);

        Map<String, Throughput> results = new LinkedHashMap<>();
        if (precision == Precision.DOUBLE) {
            double[] y = input.inputs();
            double[] t = input.targets();
            results.put("loss_gradient", Throughput.measure(() -> backend.evaluate(lossFn, y, t, batch, m, false).loss()[0], batch, seconds, repeats));
            results.put("hessian", Throughput.measure(() -> backend.evaluate(lossFn, y, t, batch, m, true).loss()[0], batch, seconds, repeats));
            results.put("newton", Throughput.measure(() -> backend.newton(lossFn, options, y, t, batch, m).result().z()[0], batch, seconds, repeats));
        } else {
            float[] y = input.inputsF32();
            float[] t = input.targetsF32();
            results.put("loss_gradient", Throughput.measure(() -> backend.evaluate(lossFn, y, t, batch, m, false).loss()[0], batch, seconds, repeats));
            results.put("hessian", Throughput.measure(() -> backend.evaluate(lossFn, y, t, batch, m, true).loss()[0], batch, seconds, repeats));
            results.put("newton", Throughput.measure(() -> backend.newton(lossFn, options, y, t, batch, m).result().z()[0], batch, seconds, repeats));
        }
        // On the GPU, also the kernels alone, timed with CUDA events on device-resident data (no transfers, no JVM).
        Map<String, Object> kernels = null;
        if (backend instanceof CudaBackend cuda && RankingKernels.supports(lossFn)) {
            kernels = KernelTimings.ranking(cuda, lossFn, n, precision == Precision.DOUBLE, batch);
            spec.commandLine().getOut().println(kernelSummary(kernels));
        }
        int threads = CpuBackend.threads();
        spec.commandLine().getOut().println(summary(lossFn.spec(), n, m, batch, backend.name(), precision, options.curvature().cliName(), threads, results));
        if (json != null) writeJson(lossFn, m, backend, precision, options, threads, results, kernels);
        return Main.EXIT_OK;
    }

    static String kernelSummary(Map<String, Object> kernels) {
        StringBuilder b = new StringBuilder("kernels (CUDA events, data on the device) samples/s:");
        if (kernels.get("samples_per_s") instanceof Map<?, ?> rates)
            rates.forEach((k, v) -> b.append(String.format(java.util.Locale.ROOT, " %s %.4g", k, (Double) v)));
        if (kernels.get("error") != null) b.append(" error: ").append(kernels.get("error"));
        return b.toString();
    }

    static String summary(String spec, int n, int m, int batch, String backend, Precision precision, String curvature,
                          int threads, Map<String, Throughput> results) {
        return String.format(java.util.Locale.ROOT,
                "bench %s n=%d m=%d batch=%d backend=%s precision=%s curvature=%s threads=%d: samples/s "
                        + "loss+gradient %.4g, hessian %.4g, newton %.4g (median)",
                spec, n, m, batch, backend, precision.label(), curvature, threads,
                results.get("loss_gradient").median(), results.get("hessian").median(), results.get("newton").median());
    }

    @SuppressWarnings("unchecked")
    private void writeJson(AlgorithmicLoss lossFn, int m, LossBackend backend, Precision precision,
                           org.newtonloss.newton.NewtonOptions options, int threads, Map<String, Throughput> results,
                           Map<String, Object> kernels) throws IOException {
        Map<String, Object> medians = new LinkedHashMap<>();
        Map<String, Object> rounds = new LinkedHashMap<>();
        for (var e : results.entrySet()) {
            medians.put(e.getKey(), e.getValue().median());
            Map<String, Object> r = new LinkedHashMap<>();
            double[] rates = e.getValue().rounds();
            for (int i = 0; i < rates.length; i++) r.put(String.valueOf(i), rates[i]);
            rounds.put(e.getKey(), r);
        }
        try (OutJson out = OutJson.open(json)) {
            out.string("loss", lossFn.spec()).integer("n", n).integer("m", m).integer("batch", batch)
                    .string("backend", backend.name()).string("precision", precision.label())
                    .string("curvature", options.curvature().cliName()).string("safeguard", options.safeguard().cliName())
                    .number("lambda", options.lambda()).integer("threads", threads)
                    .object("samples_per_second", medians)
                    .number("seconds", seconds).integer("repeats", repeats).integer("seed", seed)
                    .object("rounds_samples_per_second", rounds)
                    .object("kernel_samples_per_second_cuda_events", kernels == null ? Map.of() : (Map<String, ?>) kernels.getOrDefault("samples_per_s", Map.of()))
                    .number("load_average", Math.max(0, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                    .string("version", Main.version()).string("java", System.getProperty("java.version"))
                    .string("timestamp", Instant.now().toString());
            out.commit();
        }
    }
}
