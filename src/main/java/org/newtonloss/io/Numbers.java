package org.newtonloss.io;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A read-only view of a flat {@code double[]} or {@code float[]}, so that one writer serves both precisions.
 * Floats are written as floats (shortest representation that reads back to the same float).
 */
public sealed interface Numbers {
    /** Number of values. */
    int length();

    /** Value i, widened to double. */
    double get(int i);

    /** Writes value i in its own precision. */
    void write(JsonGenerator g, int i) throws IOException;

    /** A view of {@code a} (not copied). */
    static Numbers of(double[] a) { return new F64(a); }

    /** A view of {@code a} (not copied). */
    static Numbers of(float[] a) { return new F32(a); }

    /** Doubles. */
    record F64(double[] a) implements Numbers {
        @Override public int length() { return a.length; }
        @Override public double get(int i) { return a[i]; }
        @Override public void write(JsonGenerator g, int i) throws IOException { g.writeNumber(a[i]); }
    }

    /** Floats. */
    record F32(float[] a) implements Numbers {
        @Override public int length() { return a.length; }
        @Override public double get(int i) { return a[i]; }
        @Override public void write(JsonGenerator g, int i) throws IOException { g.writeNumber(a[i]); }
    }
}
