package org.newtonloss.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernels' per-sample math, compiled for the host by g++ (native/harness.cpp includes kernels/nl_*.cuh), must
 * reproduce golden outputs of the Java CPU implementation: the check that kernel math is right on machines
 * without a GPU. Skipped (not failed) where g++ is missing. The harness binary is cached in target/native and
 * rebuilt when native/ or kernels/ change.
 */
class NativeHarnessTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path BINARY = ROOT.resolve("target/native/harness");

    @Test
    void kernelMathReproducesTheCpuImplementation() throws Exception {
        Path gxx = findCompiler();
        assumeTrue(gxx != null, "g++ not found: native harness skipped");
        buildIfStale(gxx);
        Path golden = ROOT.resolve("target/golden");
        List<String> files = new ArrayList<>();
        try (GoldenWriter w = new GoldenWriter(golden.resolve("solve.txt"))) {
            GoldenWriter.writeSolveCases(w, 20261128L);
        }
        files.add(golden.resolve("solve.txt").toString());
        RankingGolden.write(golden);
        files.add(golden.resolve(RankingGolden.FILE).toString());
        PathsGolden.write(golden);
        files.add(golden.resolve(PathsGolden.FILE).toString());
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString()));
        cmd.addAll(files);
        Result r = run(cmd, 300);
        assertEquals(0, r.exitCode, "native harness reported mismatches:\n" + r.output);
    }

    private static Path findCompiler() {
        String env = System.getenv("CXX");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) candidates.add(Path.of(env));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(":")) if (!d.isBlank()) candidates.add(Path.of(d, "g++"));
        candidates.add(Path.of("/usr/bin/g++"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void buildIfStale(Path gxx) throws Exception {
        long newest;
        try (Stream<Path> sources = Stream.concat(Files.list(ROOT.resolve("native")), Files.list(ROOT.resolve("kernels")))) {
            newest = sources.mapToLong(p -> p.toFile().lastModified()).max().orElse(Long.MAX_VALUE);
        }
        if (Files.exists(BINARY) && BINARY.toFile().lastModified() >= newest) return;
        Files.createDirectories(BINARY.getParent());
        Path tmp = BINARY.resolveSibling("harness.tmp");
        Result r = run(List.of(gxx.toString(), "-std=c++20", "-O2", "-Wall", "-pthread", "-o", tmp.toString(),
                ROOT.resolve("native/harness.cpp").toString()), 600);
        assertEquals(0, r.exitCode, "g++ failed on native/harness.cpp:\n" + r.output);
        Files.move(tmp, BINARY, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("nl-native", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            // Keep the failure message readable: the summary and the first mismatches.
            if (out.length() > 20000) out = out.substring(0, 10000) + "\n...\n" + out.substring(out.length() - 5000);
            return new Result(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
