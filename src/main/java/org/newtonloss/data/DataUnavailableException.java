package org.newtonloss.data;

/** The digit data cannot be found, fetched or read; the message says where it looked and what to do. */
public final class DataUnavailableException extends IllegalArgumentException {
    public DataUnavailableException(String message) { super(message); }
    public DataUnavailableException(String message, Throwable cause) { super(message, cause); }
}
