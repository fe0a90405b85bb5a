package org.newtonloss.backend;

/**
 * One line of {@link Backends#describe()}: a backend's name, its preference for {@code --backend auto} and
 * whether it is usable here, with the reason.
 */
public record BackendStatus(String name, int priority, Availability availability) {
    /** Shorthand for {@code availability().usable()}. */
    public boolean usable() { return availability.usable(); }

    /** Shorthand for {@code availability().reason()}. */
    public String reason() { return availability.reason(); }
}
