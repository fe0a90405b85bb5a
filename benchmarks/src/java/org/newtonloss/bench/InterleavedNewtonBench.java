package org.newtonloss.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Before/after throughput on a shared machine: issue 2's operation (CpuBackend.newton, float, B = 256, exact
 * Hessian, escalate, λ = 1) for several builds of the library loaded side by side in ONE JVM (one class loader
 * each), run alternately in short slices so that every build sees the same load. Prints, per case, the median
 * samples/s of every build over the slices, its ratio to the first build, and the process CPU time (all threads,
 * GC included) per sample during that build's slices; with a load average far above the core count only the ratios
 * and the CPU times mean anything.
 *
 * <p>A build is {@code name=classpath[;property=value...]}: the classpath holds the library's classes (a jar or
 * target/classes), the system properties are set while that build's classes initialise (to compare switches read at class
 * initialisation). Dependencies come from this JVM's classpath.
 *
 * <p>Run: {@code java -cp target/test-classes:target/lib/*
 * org.newtonloss.bench.InterleavedNewtonBench SECONDS "dsn:5|neuralsort:tau=1:16" base=old.jar new=target/classes}
 */
public final class InterleavedNewtonBench {
    private InterleavedNewtonBench() {}

    private record Build(String name, MethodHandle parse, MethodHandle newton, Object backend, Object options) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    /** Process CPU nanoseconds and samples of the current case's timed slices, per build. */
    private static long[] cpuNanos, samples;

    public static void main(String[] args) throws Throwable {
        double seconds = Double.parseDouble(args[0]);
        String[] cases = args[1].split("\\|");
        List<Build> builds = new ArrayList<>();
        for (int b = 2; b < args.length; b++) builds.add(load(args[b]));
        int batch = 256;
        System.out.printf(Locale.ROOT, "load average at start: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String c : cases) {
            int colon = c.lastIndexOf(':');
            String spec = c.substring(0, colon);
            int n = Integer.parseInt(c.substring(colon + 1));
            Random r = new Random(1);
            float[] y = new float[batch * n], t = new float[batch * n];
            for (int k = 0; k < y.length; k++) {
                y[k] = (float) r.nextGaussian();
                t[k] = (float) r.nextGaussian();
            }
            Object[] losses = new Object[builds.size()];
            for (int b = 0; b < builds.size(); b++) losses[b] = builds.get(b).parse.invoke(spec);
            // Warm-up: every build, interleaved, as long as the measurement (C2 needs seconds under load).
            long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < warmEnd)
                for (int b = 0; b < builds.size(); b++) slice(builds.get(b), losses[b], y, t, batch, n, 2_000_000);
            cpuNanos = new long[builds.size()];
            samples = new long[builds.size()];
            List<List<Double>> rates = new ArrayList<>();
            for (int b = 0; b < builds.size(); b++) rates.add(new ArrayList<>());
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int turn = 0;
            while (System.nanoTime() < end) {
                for (int k = 0; k < builds.size(); k++) {
                    int b = (k + turn) % builds.size(); // rotate who goes first
                    long c0 = OS.getProcessCpuTime();
                    double rate = slice(builds.get(b), losses[b], y, t, batch, n, 20_000_000);
                    cpuNanos[b] += OS.getProcessCpuTime() - c0;
                    samples[b] += lastSamples;
                    rates.get(b).add(rate);
                }
                turn++;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-45s n=%2d", spec, n));
            double first = 0;
            for (int b = 0; b < builds.size(); b++) {
                double med = median(rates.get(b));
                if (b == 0) first = med;
                line.append(String.format(Locale.ROOT, "  %s %,10.0f/s (x%.2f, %.2f µs CPU/sample)", builds.get(b).name,
                        med, med / first, cpuNanos[b] / 1e3 / samples[b]));
            }
            System.out.println(line + "  [" + rates.get(0).size() + " slices each]");
        }
        System.out.printf(Locale.ROOT, "load average at end: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Runs whole batches for about {@code nanos}; returns samples/s. */
    private static double slice(Build b, Object loss, float[] y, float[] t, int batch, int n, long nanos)
            throws Throwable {
        long start = System.nanoTime(), elapsed;
        int calls = 0;
        do {
            Object out = b.newton.invoke(b.backend, loss, b.options, y, t, batch, n);
            if (out == null) throw new AssertionError();
            calls++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        lastSamples = (long) calls * batch;
        return calls * (double) batch / (elapsed * 1e-9);
    }

    /** Samples of the last slice. */
    private static long lastSamples;

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : 0.5 * (a[a.length / 2 - 1] + a[a.length / 2]);
    }

    private static Build load(String arg) throws Throwable {
        String[] parts = arg.split(";");
        int eq = parts[0].indexOf('=');
        String name = parts[0].substring(0, eq);
        URL url = Path.of(parts[0].substring(eq + 1)).toUri().toURL();
        // Child-first for org.newtonloss, so each build's own classes are used even if the test classpath has some.
        ClassLoader parent = InterleavedNewtonBench.class.getClassLoader();
        ClassLoader loader = new URLClassLoader(new URL[] {url}, parent) {
            @Override protected Class<?> loadClass(String cn, boolean resolve) throws ClassNotFoundException {
                if (!cn.startsWith("org.newtonloss.") || cn.startsWith("org.newtonloss.bench.")) return super.loadClass(cn, resolve);
                synchronized (getClassLoadingLock(cn)) {
                    Class<?> c = findLoadedClass(cn);
                    if (c == null) c = findClass(cn);
                    if (resolve) resolveClass(c);
                    return c;
                }
            }
        };
        for (int k = 1; k < parts.length; k++) {
            int e = parts[k].indexOf('=');
            System.setProperty(parts[k].substring(0, e), parts[k].substring(e + 1));
        }
        MethodHandles.Lookup lk = MethodHandles.publicLookup();
        Class<?> losses = Class.forName("org.newtonloss.spec.Losses", true, loader);
        Class<?> lossType = Class.forName("org.newtonloss.loss.AlgorithmicLoss", true, loader);
        Class<?> backendType = Class.forName("org.newtonloss.backend.CpuBackend", true, loader);
        Class<?> optionsType = Class.forName("org.newtonloss.newton.NewtonOptions", true, loader);
        Class<?> curvature = Class.forName("org.newtonloss.newton.Curvature", true, loader);
        Class<?> safeguard = Class.forName("org.newtonloss.newton.Safeguard", true, loader);
        MethodHandle parse = lk.findStatic(losses, "parse", MethodType.methodType(lossType, String.class))
                .asType(MethodType.methodType(Object.class, String.class));
        Object backend = lk.findStatic(backendType, "instance", MethodType.methodType(backendType)).invoke();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object options = optionsType.getConstructor(curvature, safeguard, double.class).newInstance(
                Enum.valueOf((Class) curvature, "HESSIAN"), Enum.valueOf((Class) safeguard, "ESCALATE"), 1.0);
        MethodHandle newton = lk.findVirtual(backendType, "newton", MethodType.methodType(
                        Class.forName("org.newtonloss.backend.NewtonOutcomeF32", true, loader), lossType, optionsType,
                        float[].class, float[].class, int.class, int.class))
                .asType(MethodType.methodType(Object.class, Object.class, Object.class, Object.class, float[].class,
                        float[].class, int.class, int.class));
        // Initialise the kernels' classes now, while this build's properties are set.
        Object warm = parse.invoke("dsn");
        float[] v = {0.3f, -1f, 2f}, w = {1f, 2f, 3f};
        newton.invoke(backend, warm, options, v, w, 1, 3);
        newton.invoke(backend, parse.invoke("neuralsort"), options, v, w, 1, 3);
        for (int k = 1; k < parts.length; k++) System.clearProperty(parts[k].substring(0, parts[k].indexOf('=')));
        return new Build(name, parse, newton, backend, options);
    }
}
