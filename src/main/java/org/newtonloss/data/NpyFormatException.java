package org.newtonloss.data;

/** A file that is not a .npy array this reader supports; the message names the file and the offending value. */
public final class NpyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) { super(message); }
}
