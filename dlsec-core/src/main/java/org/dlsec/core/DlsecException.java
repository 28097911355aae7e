package org.dlsec.core;

/**
 * An error caused by the user's input (a bad file, a bad parameter, a shape mismatch), as opposed
 * to a bug in dlsec. The CLI prints its message on one line and exits with code 2; the message
 * must therefore say what is wrong and, where it helps, what to do instead.
 */
public class DlsecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with a message that says what is wrong with the user's input.
     *
     * @param message one line for the user: what is wrong and, where it helps, what to do instead
     */
    public DlsecException(String message) {
        super(message);
    }

    /**
     * An error with a message for the user and the lower-level exception that revealed it.
     *
     * @param message one line for the user: what is wrong and, where it helps, what to do instead
     * @param cause the underlying exception (an {@code IOException}, an engine error), kept for the stack trace
     */
    public DlsecException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Fails with a message naming the parameter when {@code condition} is false.
     * The message reads {@code "invalid <parameter>: <problem>"}.
     *
     * @param condition the check that must hold
     * @param parameter the parameter's name as the user knows it, e.g. {@code "eps"}
     * @param problem what is wrong with it, e.g. {@code "must be > 0, was -1"}
     * @throws DlsecException when {@code condition} is false
     */
    public static void require(boolean condition, String parameter, String problem) {
        if (!condition) {
            throw new DlsecException("invalid " + parameter + ": " + problem);
        }
    }
}
