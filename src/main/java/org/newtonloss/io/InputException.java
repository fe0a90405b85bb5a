package org.newtonloss.io;

/** IN.json is missing, malformed or invalid; the message is one line naming the file and the problem. */
public final class InputException extends IllegalArgumentException {
    public InputException(String message) { super(message); }
}
