package org.dlsec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decoder's messages name what is wrong (issue #25, findings 5 and 9). */
class RequestDecoderTest {
    static final RequestDecoder DECODER = new RequestDecoder(2, 0f, 1f, 4, "(2)");

    static String refusal(String body) {
        return assertThrows(RequestDecoder.BadRequest.class, () -> DECODER.decode(body.getBytes(StandardCharsets.UTF_8)))
                .getMessage();
    }

    @Test
    void anExtraFieldIsNamedAsSuch() {
        String m = refusal("{\"inputs\": [[0, 1]], \"extra\": 1}");
        assertTrue(m.contains("unknown field 'extra'"), m);
        assertFalse(m.contains("duplicate"), m);
        assertEquals("duplicate field 'inputs'", refusal("{\"inputs\": [[0, 1]], \"inputs\": [[0, 1]]}"));
        assertTrue(refusal("{\"model\": 1}").contains("unknown field 'model'"));
    }

    @Test
    void echoedFieldNamesAreEscapedAndCut() {
        String m = refusal("{\"a\\r\\nINJECTED\\u0000" + "x".repeat(10_000) + "\": 1}");
        assertFalse(m.chars().anyMatch(c -> c < 0x20), m);
        assertTrue(m.contains("a INJECTED\\x00"), m);
        assertTrue(m.length() < 300, "message of " + m.length());
    }
}
