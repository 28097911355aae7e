package org.dlsec.core;

/**
 * Makes untrusted text safe to print: {@link #escape} turns every control character into a visible
 * escape (so that a value cannot forge a log line or a terminal sequence), {@link #echo} also cuts it
 * to a length fit for one line of an error message.
 */
public final class Text {
    /** Characters of a user-supplied value that an error message or a log line repeats. */
    public static final int ECHO_LIMIT = 120;

    private Text() {}

    /**
     * {@code s} with every control character escaped: C0 controls and DEL as {@code \r}, {@code \n},
     * {@code \t} or {@code \xHH}, C1 controls, line/paragraph separators and bidirectional overrides
     * as {@code \}{@code uHHHH}; a backslash stays a backslash. Null becomes "null".
     *
     * @param s the text to escape; may be null
     * @return {@code s} itself when there is nothing to escape, otherwise an escaped copy
     */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = replacement(c);
            if (r == null) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            b.append(r);
        }
        return b == null ? s : b.toString();
    }

    private static String replacement(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02X", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069')) {
            return String.format("\\u%04X", (int) c);
        }
        return null;
    }

    /**
     * {@code s} escaped and cut to {@link #ECHO_LIMIT} characters, saying how long it was when cut.
     *
     * @param s the text to echo; may be null
     * @return one printable line of at most about {@value #ECHO_LIMIT} characters plus the length note
     */
    public static String echo(String s) {
        return echo(s, ECHO_LIMIT);
    }

    /**
     * {@code s} escaped and cut to {@code limit} characters, saying how long it was when cut.
     *
     * @param s the text to echo; may be null
     * @param limit the number of characters of {@code s} kept, at least 0
     * @return one printable line
     */
    public static String echo(String s, int limit) {
        if (s == null) {
            return "null";
        }
        String head = s.length() > limit ? s.substring(0, limit) : s;
        String e = escape(head);
        if (e.length() > limit + 16) {
            e = e.substring(0, limit);
        }
        return s.length() > limit ? e + "... (" + s.length() + " characters)" : e;
    }
}
