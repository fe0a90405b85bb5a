package org.newtonloss.spec;

/** A SPEC string that cannot be parsed or names an unknown family, key or value. */
public final class SpecException extends IllegalArgumentException {
    public SpecException(String message) { super(message); }
}
