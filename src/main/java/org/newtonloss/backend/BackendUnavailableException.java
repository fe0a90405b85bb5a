package org.newtonloss.backend;

/**
 * The user asked for a backend by name and it cannot run here (or cannot run the requested loss). A bad-input
 * error: the CLI prints its one-line message and exits with status 2.
 */
public final class BackendUnavailableException extends IllegalArgumentException {
    public BackendUnavailableException(String message) { super(message); }
}
