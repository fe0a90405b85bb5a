package org.newtonloss.backend;

/**
 * Service-provider interface for backends other than the built-in CPU one, found through
 * {@link java.util.ServiceLoader} (list the class in {@code META-INF/services/org.newtonloss.backend.BackendProvider}).
 *
 * <p>A provider must be cheap to construct: load no native library in its constructor or static initialiser.
 * {@link #probe()} does the native work once, caches its answer, never prints and never throws.
 */
public interface BackendProvider {

    /** The name used by {@code --backend} (lower case, e.g. {@code cuda}). */
    String name();

    /** Preference for {@code --backend auto}: the usable backend with the highest priority wins (CPU is 0). */
    int priority();

    /** Whether the backend can run here, with the reason; cached, quiet, never throws. */
    Availability probe();

    /**
     * Creates (or returns the shared instance of) the backend. Called only after {@link #probe()} said usable;
     * may throw if the hardware disappeared in between.
     */
    LossBackend create();
}
