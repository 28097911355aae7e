package org.dlsec.core;

/**
 * An error caused by the user's input (a bad file, a bad parameter, a shape mismatch), as opposed
 * to a bug in dlsec. The CLI prints its message on one line and exits with code 2; the message
 * must therefore say what is wrong and, where it helps, what to do instead.
 */
public class DlsecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DlsecException(String message) {
        super(message);
    }

    public DlsecException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Fails with a message naming the parameter when {@code condition} is false. */
    public static void require(boolean condition, String parameter, String problem) {
        if (!condition) {
            throw new DlsecException("invalid " + parameter + ": " + problem);
        }
    }
}
