package org.newtonloss.backend;

import java.util.Locale;

/** Number type a backend computes in: float for speed, double for tests and reference comparisons. */
public enum Precision {
    FLOAT, DOUBLE;

    /** Parses {@code float} or {@code double} (case-insensitive); the message names the bad value. */
    public static Precision parse(String text) {
        if (text != null) {
            for (Precision p : values()) if (p.name().equalsIgnoreCase(text.strip())) return p;
        }
        throw new IllegalArgumentException("precision must be float or double, got '" + text + "'");
    }

    /** The lower-case name used on the command line and in JSON. */
    public String label() { return name().toLowerCase(Locale.ROOT); }
}
