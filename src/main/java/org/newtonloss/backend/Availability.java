package org.newtonloss.backend;

import java.util.Objects;

/**
 * Whether a backend can run here, and why not when it cannot. Probes return this instead of throwing, so that
 * {@code --backend auto} can fall back quietly and {@code info} can explain.
 *
 * @param usable true when the backend can be created and run
 * @param reason a short human reason: what was found when usable, what is missing otherwise; never null
 */
public record Availability(boolean usable, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** A usable backend; {@code detail} says what was found (e.g. the device name). */
    public static Availability usable(String detail) { return new Availability(true, detail); }

    /** An unusable backend with the reason (e.g. "libcuda.so.1 not found (no NVIDIA driver)"). */
    public static Availability unusable(String reason) { return new Availability(false, reason); }
}
