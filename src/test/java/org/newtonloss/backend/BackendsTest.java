package org.newtonloss.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newtonloss.loss.AlgorithmicLoss;
import org.newtonloss.loss.Evaluation;
import org.newtonloss.loss.EvaluationF32;
import org.newtonloss.loss.MseLoss;
import org.newtonloss.newton.NewtonOptions;

/**
 * Backend selection: {@code auto} never throws and falls back to the CPU; an explicit name fails with the probe's
 * reason; {@link Backends#describe()} gives a reason for every backend; providers are found through ServiceLoader.
 */
class BackendsTest {

    /** A configurable fake provider. */
    record Fake(String name, int priority, Availability availability, RuntimeException createFails,
                boolean supportsLoss) implements BackendProvider {
        @Override public Availability probe() { return availability; }

        @Override public LossBackend create() {
            if (createFails != null) throw createFails;
            return new FakeBackend(name, supportsLoss);
        }
    }

    /** A backend that answers supports() and nothing else. */
    record FakeBackend(String name, boolean supportsLoss) implements LossBackend {
        @Override public boolean supports(AlgorithmicLoss loss, Precision precision) { return supportsLoss; }
        @Override public Evaluation evaluate(AlgorithmicLoss l, double[] y, double[] t, int b, int m, boolean h) { throw new UnsupportedOperationException(); }
        @Override public EvaluationF32 evaluate(AlgorithmicLoss l, float[] y, float[] t, int b, int m, boolean h) { throw new UnsupportedOperationException(); }
        @Override public NewtonOutcome newton(AlgorithmicLoss l, NewtonOptions o, double[] y, double[] t, int b, int m) { throw new UnsupportedOperationException(); }
        @Override public NewtonOutcomeF32 newton(AlgorithmicLoss l, NewtonOptions o, float[] y, float[] t, int b, int m) { throw new UnsupportedOperationException(); }
    }

    static Backends.Found found(BackendProvider p) { return new Backends.Found(p.name(), p, null); }

    static final Availability NO_DEVICE = Availability.unusable("cuInit: CUDA_ERROR_NO_DEVICE");

    @Test
    void describeListsCpuAndCudaWithReasons() {
        List<BackendStatus> all = Backends.describe();
        BackendStatus cpu = all.stream().filter(s -> s.name().equals("cpu")).findFirst().orElseThrow();
        assertTrue(cpu.usable());
        BackendStatus cuda = all.stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        assertTrue(!cuda.reason().isBlank());
        if (!cuda.usable() && !Backends.cudaAvailable()) assertTrue(cuda.reason().length() > 10, cuda.reason());
    }

    @Test
    void withoutCudaProviderTheReasonSaysSoAndMentionsTheDriver() {
        List<BackendStatus> all = Backends.describe(List.of());
        BackendStatus cuda = all.stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        assertTrue(!cuda.usable());
        assertTrue(cuda.reason().startsWith("no CUDA backend provider on the classpath"), cuda.reason());
        assertTrue(cuda.reason().contains("libcuda.so.1"), cuda.reason());
        assertEquals(NativeLibraries.isLoadable("libcuda.so.1"), !cuda.reason().contains("not found"), cuda.reason());
    }

    @Test
    void autoNeverThrowsAndFallsBackToCpu() {
        List<Backends.Found> providers = List.of(
                found(new Fake("cuda", 100, NO_DEVICE, null, true)),
                found(new Fake("broken", 90, null, null, true)), // probe answers null
                found(new Fake("crashy", 80, Availability.usable("ok"), new IllegalStateException("device lost"), true)),
                found(new Fake("partial", 70, Availability.usable("ok"), null, false)),
                new Backends.Found("failed", null, "NoClassDefFoundError: jcuda/driver/JCudaDriver"));
        assertSame(CpuBackend.instance(), Backends.select("auto", new MseLoss(), Precision.FLOAT, providers));
        assertSame(CpuBackend.instance(), Backends.select("auto", new MseLoss(), Precision.FLOAT, List.of()));
        // no loss given: any usable backend qualifies, so the best usable one that starts is taken
        assertEquals("partial", Backends.select(null, null, null, providers).name());
    }

    @Test
    void autoPrefersTheUsableProviderWithHighestPriority() {
        List<Backends.Found> providers = List.of(found(new Fake("low", 5, Availability.usable("ok"), null, true)),
                found(new Fake("high", 50, Availability.usable("ok"), null, true)),
                found(new Fake("higher-but-unusable", 99, NO_DEVICE, null, true)));
        assertEquals("high", Backends.select("auto", new MseLoss(), Precision.DOUBLE, providers).name());
        assertEquals("cpu", Backends.select("cpu", new MseLoss(), Precision.DOUBLE, providers).name());
        assertEquals("low", Backends.select("LOW", new MseLoss(), Precision.DOUBLE, providers).name());
    }

    @Test
    void explicitChoiceFailsLoudlyWithTheReason() {
        List<Backends.Found> providers = List.of(found(new Fake("cuda", 100, NO_DEVICE, null, true)),
                found(new Fake("partial", 70, Availability.usable("ok"), null, false)),
                new Backends.Found("failed", null, "NoClassDefFoundError: x"));
        var e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda", null, null, providers));
        assertEquals("--backend cuda: not usable: cuInit: CUDA_ERROR_NO_DEVICE", e.getMessage());
        e = assertThrows(BackendUnavailableException.class, () -> Backends.select("partial", new MseLoss(), Precision.FLOAT, providers));
        assertTrue(e.getMessage().contains("does not implement 'mse' in float"), e.getMessage());
        e = assertThrows(BackendUnavailableException.class, () -> Backends.select("failed", null, null, providers));
        assertTrue(e.getMessage().contains("provider failed to load: NoClassDefFoundError"), e.getMessage());
        e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda", null, null, List.of()));
        assertTrue(e.getMessage().startsWith("--backend cuda: CUDA is not usable: no CUDA backend provider"), e.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu", null, null, providers));
        assertTrue(unknown.getMessage().contains("unknown backend 'tpu' (known: auto, cpu, cuda, partial, failed)"), unknown.getMessage());
    }

    @Test
    void throwingProbeIsReportedNotThrown() {
        BackendProvider throwing = new BackendProvider() {
            @Override public String name() { return "odd"; }
            @Override public int priority() { return 10; }
            @Override public Availability probe() { throw new UnsatisfiedLinkError("libcuda.so.1: cannot open"); }
            @Override public LossBackend create() { throw new AssertionError("must not be created"); }
        };
        List<BackendStatus> all = Backends.describe(List.of(found(throwing)));
        BackendStatus odd = all.stream().filter(s -> s.name().equals("odd")).findFirst().orElseThrow();
        assertTrue(!odd.usable());
        assertEquals("probe failed: UnsatisfiedLinkError: libcuda.so.1: cannot open", odd.reason());
        assertSame(CpuBackend.instance(), Backends.select("auto", null, null, List.of(found(throwing))));
    }

    @Test
    void providersAreFoundThroughServiceLoaderAndLoadFailuresBecomeReasons(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(BackendProvider.class.getName()),
                "org.newtonloss.cuda.NoSuchCudaProvider\n" + GoodProvider.class.getName() + "\n"
                        + CudaFailingProvider.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            // Providers of the real classpath (e.g. the CUDA backend's) are found too: look only at the two added here.
            List<Backends.Found> found = Backends.load(loader).stream()
                    .filter(f -> f.provider() instanceof GoodProvider || f.provider() == null
                            && (f.failure().contains("NoSuchCudaProvider") || f.failure().contains("CudaFailingProvider"))).toList();
            // a listed class that does not exist neither hides the providers after it nor throws
            assertEquals(3, found.size(), found::toString);
            assertEquals("cuda", found.get(0).name());
            assertTrue(found.get(0).failure().contains("NoSuchCudaProvider not found"), found.get(0).failure());
            assertEquals("good", found.get(1).name());
            assertEquals("cuda", found.get(2).name());
            assertTrue(found.get(2).failure().contains("CudaFailingProvider could not be instantiated"), found.get(2).failure());
            assertTrue(found.get(2).failure().contains("caused by IllegalStateException: no driver here"), found.get(2).failure());
            List<Backends.Found> two = List.of(found.get(1), found.get(2));
            List<String> order = Backends.describe(two).stream().map(BackendStatus::name).toList();
            assertEquals(List.of("good", "cpu", "cuda"), order, "usable first, by priority; unusable last");
            BackendStatus cuda = Backends.describe(two).get(2);
            assertTrue(cuda.reason().startsWith("provider failed to load: "), cuda.reason());
        }
    }

    /** Registered only through the temporary services file above. */
    public static final class GoodProvider implements BackendProvider {
        @Override public String name() { return "good"; }
        @Override public int priority() { return 7; }
        @Override public Availability probe() { return Availability.usable("test"); }
        @Override public LossBackend create() { return new FakeBackend("good", true); }
    }

    /** A provider whose constructor fails, as one that touched a missing native library would. */
    public static final class CudaFailingProvider implements BackendProvider {
        public CudaFailingProvider() { throw new IllegalStateException("no driver here"); }
        @Override public String name() { return "cuda"; }
        @Override public int priority() { return 100; }
        @Override public Availability probe() { return Availability.usable("never"); }
        @Override public LossBackend create() { throw new AssertionError(); }
    }

    @Test
    void precisionParsing() {
        assertEquals(Precision.FLOAT, Precision.parse("Float"));
        assertEquals(Precision.DOUBLE, Precision.parse(" double "));
        var e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("half"));
        assertEquals("precision must be float or double, got 'half'", e.getMessage());
    }

    @Test
    void missingLibraryIsNotLoadableAndAPresentOneIs() {
        assertTrue(!NativeLibraries.isLoadable("libnewtonloss-does-not-exist.so.7"));
        assertTrue(NativeLibraries.isLoadable("libc.so.6"));
    }
}
