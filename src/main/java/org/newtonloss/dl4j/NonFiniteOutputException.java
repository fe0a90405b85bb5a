package org.newtonloss.dl4j;

/** The network produced a NaN or infinite output (or the loss a non-finite gradient): training has diverged. */
public final class NonFiniteOutputException extends IllegalArgumentException {
    public NonFiniteOutputException(String message) { super(message); }
}
