package org.newtonloss.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.newtonloss.data.FourDigitSets;
import org.newtonloss.data.ItemBatch;
import org.newtonloss.data.MnistPools;
import org.newtonloss.dl4j.NewtonRankingLoss;
import org.newtonloss.dl4j.SetGradients;

/**
 * Trains the ranking CNN on four-digit MNIST sets and writes a run folder:
 * <pre>
 *   config.json          the resolved configuration
 *   metrics.jsonl / .csv one {@link MetricsRecord} per evaluation
 *   checkpoint.zip       model + Adam state at the latest evaluation; state.json says which step it holds
 *   best-model.zip       the model at the best validation exact match
 *   loss.png, accuracy.png  learning curves
 *   summary.json         {@link TrainSummary}, when the run is complete
 * </pre>
 * Step t trains on sets drawn from the stream (seed, train, t) only, so the data stream needs no state of its own:
 * a rerun in the same folder restores the checkpoint and continues with exactly the sets an uninterrupted run
 * would have seen, ending with the same metrics. Every file is written atomically; state.json is written last.
 */
public final class RankingTrainer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int EVAL_CHUNK_ITEMS = 1000;

    private final TrainConfig config;
    private final MnistPools pools;
    private final Path dir;
    private final TrainingListener listener;
    private final CNN2DFormat layout;

    /** The persistent state next to checkpoint.zip. */
    record State(int step, List<MetricsRecord> metrics) {}

    public RankingTrainer(TrainConfig config, MnistPools pools, Path dir, TrainingListener listener) {
        this.config = config;
        this.pools = pools;
        this.dir = dir;
        this.listener = listener;
        this.layout = CNN2DFormat.valueOf(config.layout());
        if (!config.data().equals(pools.source()))
            throw new IllegalArgumentException("config data '" + config.data() + "' differs from the pools' source '" + pools.source() + "'");
    }

    /**
     * Checks that {@code dir} can take this run: absent, empty, or holding a run of the same configuration
     * (steps may differ). Writes nothing. Throws {@link IllegalArgumentException} naming the differences.
     */
    public static void checkRunFolder(Path dir, TrainConfig config) {
        Path cfg = dir.resolve("config.json");
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new IllegalArgumentException("--out " + dir + " exists and is not a folder");
        if (!Files.isRegularFile(cfg)) return;
        TrainConfig old;
        try {
            old = JSON.readValue(cfg.toFile(), TrainConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--out " + dir + " holds an unreadable config.json (" + e.getMessage().lines().findFirst().orElse("")
                    + "); choose another folder");
        }
        List<String> diff = config.differencesIgnoringSteps(old);
        if (!diff.isEmpty())
            throw new IllegalArgumentException("--out " + dir + " holds a run with another configuration (" + String.join(", ", diff)
                    + "); choose another folder or repeat its options");
    }

    /** Trains (resuming from the folder's checkpoint if there is one) and returns the summary. */
    public TrainSummary run() {
        try {
            return runChecked();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private TrainSummary runChecked() throws IOException {
        checkRunFolder(dir, config);
        Files.createDirectories(dir);
        String configJson = JSON.writeValueAsString(config);
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile) || !Files.readString(configFile).equals(configJson))
            AtomicFiles.writeString(configFile, configJson);

        State state = readState();
        if (state != null && state.step() >= config.steps() && Files.isRegularFile(dir.resolve("summary.json"))) {
            TrainSummary done = readSummary(dir);
            if (done.stepsDone() == config.steps()) return done; // complete: a rerun changes nothing
        }
        MultiLayerNetwork net;
        if (state == null) {
            state = new State(0, List.of());
            net = RankingCnn.create(RankingCnn.Architecture.valueOf(config.model()), newLoss(), config.learningRate(), config.seed(), layout, WorkspaceMode.valueOf(config.workspace()));
        } else {
            net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("checkpoint.zip").toFile(), true);
        }
        if (config.helpers().equals("NATIVE")) RankingCnn.useNativeHelpers(net);
        List<MetricsRecord> metrics = new ArrayList<>(state.metrics());
        double secondsBefore = metrics.isEmpty() ? 0 : metrics.getLast().seconds();
        NewtonRankingLoss lossFn = (NewtonRankingLoss) ((BaseOutputLayer<?>) net.getOutputLayer()).layerConf().getLossFn();

        FourDigitSets train = new FourDigitSets(pools.train());
        ItemBatch val = new FourDigitSets(pools.validation()).fixed(config.evalSeed(), FourDigitSets.VALIDATION, config.evalSets(), config.n());
        ItemBatch test = new FourDigitSets(pools.test()).fixed(config.evalSeed(), FourDigitSets.TEST, config.evalSets(), config.n());

        listener.started(config, state.step(), config.steps());
        long sessionStart = System.nanoTime();
        long trainNanos = 0;
        int trainedSteps = 0;
        double lossSum = 0;
        int lossCount = 0;
        long systems = 0, escalated = 0;
        double maxRatio = 0;
        for (int step = state.step() + 1; step <= config.steps(); step++) {
            long t0 = System.nanoTime();
            ItemBatch b = train.draw(FourDigitSets.stream(config.seed(), FourDigitSets.TRAIN, step), config.batch(), config.n());
            net.fit(toDataSet(b));
            trainNanos += System.nanoTime() - t0;
            trainedSteps++;
            double loss = net.score();
            lossSum += loss;
            lossCount++;
            SetGradients last = lossFn.lastEvaluation();
            if (last != null && last.newtonInfo() != null) {
                systems += last.newtonInfo().systems();
                escalated += last.newtonInfo().escalated() + last.newtonInfo().modified();
                maxRatio = Math.max(maxRatio, last.newtonInfo().maxStepRatio());
            }
            listener.stepDone(step, loss);
            if (step % config.evalEvery() == 0 || step == config.steps()) {
                Accuracy v = evaluate(net, val), t = evaluate(net, test);
                double seconds = secondsBefore + (System.nanoTime() - sessionStart) / 1e9;
                MetricsRecord r = new MetricsRecord(step, lossSum / lossCount, v.exactMatch(), v.elementWise(),
                        t.exactMatch(), t.elementWise(), systems, escalated, maxRatio, seconds);
                boolean newBest = metrics.isEmpty() || better(r, best(metrics));
                metrics.add(r);
                if (newBest) AtomicFiles.write(dir.resolve("best-model.zip"), out -> ModelSerializer.writeModel(net, out, false));
                checkpoint(net, new State(step, List.copyOf(metrics)));
                listener.evaluated(r, newBest);
                lossSum = 0;
                lossCount = 0;
                systems = 0;
                escalated = 0;
                maxRatio = 0;
            }
        }
        TrainSummary summary = summarise(metrics, trainedSteps == 0 ? Double.NaN : trainNanos / 1e9 / trainedSteps);
        AtomicFiles.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary));
        return summary;
    }

    private NewtonRankingLoss newLoss() {
        return new NewtonRankingLoss(config.loss(), config.curvature(), config.lambda(), config.safeguard(), config.n());
    }

    private DataSet toDataSet(ItemBatch b) {
        INDArray f = Nd4j.create(b.features(), RankingCnn.inputShape(b.items(), layout));
        INDArray l = Nd4j.create(b.values(), new long[] {b.items(), 1});
        return new DataSet(f, l);
    }

    /** Accuracy of the network on a fixed collection of sets (inference mode, in chunks). */
    Accuracy evaluate(MultiLayerNetwork net, ItemBatch sets) {
        double[] scores = new double[sets.items()];
        int setsPerChunk = Math.max(1, EVAL_CHUNK_ITEMS / sets.n());
        for (int s = 0; s < sets.sets(); s += setsPerChunk) {
            ItemBatch chunk = sets.slice(s, Math.min(sets.sets(), s + setsPerChunk));
            INDArray out = net.output(Nd4j.create(chunk.features(), RankingCnn.inputShape(chunk.items(), layout)), false);
            float[] o = out.toFloatVector();
            for (int i = 0; i < o.length; i++) scores[s * sets.n() + i] = o[i];
        }
        double[] truth = new double[sets.items()];
        for (int i = 0; i < truth.length; i++) truth[i] = sets.values()[i];
        return Accuracy.of(scores, truth, sets.n());
    }

    private static boolean better(MetricsRecord a, MetricsRecord b) {
        if (a.valExactMatch() != b.valExactMatch()) return a.valExactMatch() > b.valExactMatch();
        return a.valElementWise() > b.valElementWise();
    }

    private static MetricsRecord best(List<MetricsRecord> metrics) {
        MetricsRecord best = metrics.getFirst();
        for (MetricsRecord r : metrics) if (better(r, best)) best = r;
        return best;
    }

    private void checkpoint(MultiLayerNetwork net, State state) throws IOException {
        AtomicFiles.write(dir.resolve("checkpoint.zip"), out -> ModelSerializer.writeModel(net, out, true));
        writeMetrics(state.metrics());
        LearningCurves.write(dir, state.metrics(), config.loss() + ", " + config.curvature()
                + (config.curvature().equals("none") ? "" : " λ=" + config.lambda()) + ", n=" + config.n());
        AtomicFiles.writeString(dir.resolve("state.json"), JSON.writeValueAsString(state)); // last: commits the checkpoint
    }

    private void writeMetrics(List<MetricsRecord> metrics) throws IOException {
        ObjectMapper line = new ObjectMapper();
        StringBuilder jsonl = new StringBuilder();
        for (MetricsRecord r : metrics) jsonl.append(line.writeValueAsString(r)).append('\n');
        AtomicFiles.writeString(dir.resolve("metrics.jsonl"), jsonl.toString());
        StringBuilder csv = new StringBuilder();
        var comps = MetricsRecord.class.getRecordComponents();
        for (int i = 0; i < comps.length; i++) csv.append(i == 0 ? "" : ",").append(comps[i].getName());
        csv.append('\n');
        for (MetricsRecord r : metrics) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%d,%.6g,%.3f%n", r.step(), r.trainLoss(),
                    r.valExactMatch(), r.valElementWise(), r.testExactMatch(), r.testElementWise(), r.newtonSystems(),
                    r.newtonEscalated(), r.newtonMaxStepRatio(), r.seconds()));
        }
        AtomicFiles.writeString(dir.resolve("metrics.csv"), csv.toString());
    }

    private State readState() throws IOException {
        Path s = dir.resolve("state.json");
        if (!Files.isRegularFile(s)) return null;
        State state = JSON.readValue(s.toFile(), State.class);
        if (!Files.isRegularFile(dir.resolve("checkpoint.zip")))
            throw new IllegalArgumentException("--out " + dir + ": state.json names step " + state.step() + " but checkpoint.zip is missing");
        return state;
    }

    private TrainSummary summarise(List<MetricsRecord> metrics, double secondsPerStep) {
        MetricsRecord b = best(metrics), last = metrics.getLast();
        long systems = 0, escalated = 0;
        for (MetricsRecord r : metrics) {
            systems += r.newtonSystems();
            escalated += r.newtonEscalated();
        }
        return new TrainSummary(config, last.step(), b.step(), new Accuracy(b.valExactMatch(), b.valElementWise()),
                new Accuracy(b.testExactMatch(), b.testElementWise()), new Accuracy(last.valExactMatch(), last.valElementWise()),
                new Accuracy(last.testExactMatch(), last.testElementWise()), last.seconds(), secondsPerStep, systems, escalated,
                pools.source());
    }

    /** Reads a run folder's summary.json. */
    public static TrainSummary readSummary(Path dir) throws IOException {
        return JSON.readValue(dir.resolve("summary.json").toFile(), TrainSummary.class);
    }

    /** Reads a run folder's metrics.jsonl. */
    public static List<MetricsRecord> readMetrics(Path dir) throws IOException {
        List<MetricsRecord> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl")))
            if (!line.isBlank()) out.add(JSON.readValue(line, MetricsRecord.class));
        return out;
    }
}
