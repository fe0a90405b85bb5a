package org.newtonloss.paths;

/** A 0/1 map that is not a connected start→target path on its grid; the message says what is wrong. */
public final class InvalidPathException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidPathException(String message) { super(message); }
}
