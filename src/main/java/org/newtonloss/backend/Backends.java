package org.newtonloss.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.newtonloss.loss.AlgorithmicLoss;

/**
 * Finds the backends and chooses one. The CPU backend is built in and always usable; others come from
 * {@link BackendProvider}s on the classpath. {@code auto} never throws: it takes the usable backend with the
 * highest priority that implements the loss, else the CPU. An explicit name that cannot run fails loudly with
 * the probe's reason ({@link BackendUnavailableException}).
 */
public final class Backends {
    /** The choice that picks the best usable backend. */
    public static final String AUTO = "auto";
    /** The CUDA backend's name; listed (as unusable, with a reason) even when no provider for it is present. */
    public static final String CUDA = "cuda";
    /** The CUDA driver library whose absence explains most "CUDA not usable" cases. */
    static final String CUDA_DRIVER = "libcuda.so.1";

    private Backends() {}

    /** Providers found once, lazily (a provider's failure to load is kept as its reason, not thrown). */
    private static final class Holder {
        static final List<Found> PROVIDERS = load(Backends.class.getClassLoader());
    }

    /** A provider or the reason it could not be instantiated. */
    record Found(String name, BackendProvider provider, String failure) {}

    static List<Found> load(ClassLoader loader) {
        List<Found> found = new ArrayList<>();
        try {
            // The iterator (not stream()) goes on after a provider that fails: one bad entry must not hide the rest.
            java.util.Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, loader).iterator();
            for (int guard = 0; guard < 64; guard++) {
                try {
                    if (!it.hasNext()) break;
                    BackendProvider provider = it.next();
                    found.add(new Found(provider.name().toLowerCase(Locale.ROOT), provider, null));
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    found.add(new Found(guessName(String.valueOf(e.getMessage())), null, oneLine(e)));
                }
            }
        } catch (Throwable t) {
            found.add(new Found("unknown", null, "backend providers could not be listed: " + oneLine(t)));
        }
        return List.copyOf(found);
    }

    /**
     * Every known backend with usable/not and the reason: usable ones first, each group by priority (CPU and CUDA
     * are always listed).
     */
    public static List<BackendStatus> describe() { return describe(Holder.PROVIDERS); }

    static List<BackendStatus> describe(List<Found> providers) {
        List<BackendStatus> out = new ArrayList<>();
        out.add(new BackendStatus(CpuBackend.NAME, 0,
                Availability.usable("always available (" + CpuBackend.threads() + " threads)")));
        boolean sawCuda = false;
        for (Found f : providers) {
            sawCuda |= f.name().equals(CUDA);
            if (f.provider() == null) {
                out.add(new BackendStatus(f.name(), Integer.MIN_VALUE, Availability.unusable("provider failed to load: " + f.failure())));
            } else {
                out.add(new BackendStatus(f.name(), f.provider().priority(), safeProbe(f.provider())));
            }
        }
        if (!sawCuda) out.add(new BackendStatus(CUDA, Integer.MIN_VALUE, Availability.unusable(missingCudaReason())));
        // usable backends first, each group by priority
        out.sort(Comparator.comparing((BackendStatus s) -> !s.usable()).thenComparing(Comparator.comparingInt(BackendStatus::priority).reversed()));
        return List.copyOf(out);
    }

    /** Whether a CUDA backend is usable here (GPU tests skip, not fail, when false). */
    public static boolean cudaAvailable() {
        return describe().stream().anyMatch(s -> s.name().equals(CUDA) && s.usable());
    }

    /** The backend {@code choice} ({@code auto}, {@code cpu} or a provider's name), for any loss. */
    public static LossBackend select(String choice) { return select(choice, null, null); }

    /**
     * The backend {@code choice} for {@code loss} in {@code precision} (either may be null: any). {@code auto}
     * never throws. Unknown names are an {@link IllegalArgumentException}; a named backend that is not usable,
     * or does not implement the loss, a {@link BackendUnavailableException} with the reason.
     */
    public static LossBackend select(String choice, AlgorithmicLoss loss, Precision precision) {
        return select(choice, loss, precision, Holder.PROVIDERS);
    }

    static LossBackend select(String choice, AlgorithmicLoss loss, Precision precision, List<Found> providers) {
        String name = choice == null ? AUTO : choice.strip().toLowerCase(Locale.ROOT);
        if (name.equals(CpuBackend.NAME)) return CpuBackend.instance();
        if (name.equals(AUTO)) return selectAuto(loss, precision, providers);
        Found found = providers.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        if (found == null) {
            if (name.equals(CUDA)) throw new BackendUnavailableException("--backend cuda: CUDA is not usable: " + missingCudaReason());
            List<String> known = new ArrayList<>(List.of(AUTO, CpuBackend.NAME, CUDA));
            providers.forEach(f -> { if (!known.contains(f.name())) known.add(f.name()); });
            throw new IllegalArgumentException("--backend: unknown backend '" + choice + "' (known: " + String.join(", ", known) + ")");
        }
        if (found.provider() == null)
            throw new BackendUnavailableException("--backend " + name + ": provider failed to load: " + found.failure());
        Availability a = safeProbe(found.provider());
        if (!a.usable()) throw new BackendUnavailableException("--backend " + name + ": not usable: " + a.reason());
        LossBackend backend;
        try {
            backend = found.provider().create();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("--backend " + name + ": could not start: " + oneLine(e));
        }
        if (loss != null && !backend.supports(loss, precision == null ? Precision.FLOAT : precision))
            throw new BackendUnavailableException("--backend " + name + " does not implement '" + loss.spec() + "'"
                    + (precision == null ? "" : " in " + precision.label()) + "; use --backend cpu or auto");
        return backend;
    }

    private static LossBackend selectAuto(AlgorithmicLoss loss, Precision precision, List<Found> providers) {
        List<Found> candidates = providers.stream().filter(f -> f.provider() != null)
                .sorted(Comparator.comparingInt((Found f) -> f.provider().priority()).reversed()).toList();
        for (Found f : candidates) {
            if (f.provider().priority() <= 0 || !safeProbe(f.provider()).usable()) continue;
            try {
                LossBackend b = f.provider().create();
                if (loss == null || b.supports(loss, precision == null ? Precision.FLOAT : precision)) return b;
            } catch (RuntimeException | LinkageError e) {
                // auto never fails: fall through to the next backend, finally the CPU
            }
        }
        return CpuBackend.instance();
    }

    private static Availability safeProbe(BackendProvider p) {
        try {
            Availability a = p.probe();
            return a != null ? a : Availability.unusable("probe returned no answer");
        } catch (Throwable t) { // a probe must not throw; if one does, it is only "not usable"
            return Availability.unusable("probe failed: " + oneLine(t));
        }
    }

    static String missingCudaReason() {
        return "no CUDA backend provider on the classpath"
                + (NativeLibraries.isLoadable(CUDA_DRIVER) ? " (" + CUDA_DRIVER + " is present)"
                        : "; " + CUDA_DRIVER + " not found (no NVIDIA driver)");
    }

    /** A name for a provider that failed to load, from the error's text (which names its class). */
    private static String guessName(String errorText) {
        return errorText.toLowerCase(Locale.ROOT).contains("cuda") ? CUDA : "unknown";
    }

    /** The exception and, when it wraps one, its root cause, on one line. */
    static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String text = describe(t) + (root == t ? "" : ": caused by " + describe(root));
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
