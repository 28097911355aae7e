package org.dlsec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Untrusted text made printable (issue #25, findings 5 and 8). */
class TextTest {
    @Test
    void controlCharactersAreEscaped() {
        assertEquals("/v1/x\\r\\nINJECTED\\x00", Text.escape("/v1/x\r\nINJECTED\0"));
        assertEquals("a\\tb\\x1B[31m\\x7F\\u0085\\u2028\\u202E", Text.escape("a\tb\u001b[31m\u007f\u0085\u2028\u202e"));
        assertEquals("plain ümlaut 字", Text.escape("plain ümlaut 字"));
        String any = Text.escape(new String(new char[] {0, 1, 10, 13, 27, 127, 0x9b, 0x2029}));
        assertTrue(any.chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2029), any);
    }

    @Test
    void echoedValuesAreCut() {
        String huge = "x".repeat(3_000_000);
        String e = Text.echo(huge);
        assertTrue(e.length() < 200, "echo of 3 MB is " + e.length() + " characters");
        assertTrue(e.endsWith("(3000000 characters)"), e);
        assertEquals("short", Text.echo("short"));
        String ctl = Text.echo("\n".repeat(1000));
        assertFalse(ctl.contains("\n"));
        assertTrue(ctl.length() < 200, ctl);
    }
}
