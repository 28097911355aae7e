package org.dlsec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes what {@code dlsec serve} decodes from a client — the Content-Length header and the JSON
 * body — directly, without a socket: every input decodes to whole, in-bounds inputs or is refused
 * with a {@link RequestDecoder.BadRequest} carrying a 4xx status.
 */
class RequestDecoderFuzzTest {
    private static final RequestDecoder DECODER = new RequestDecoder(4, 0f, 1f, 8, "(1, 2, 2)");

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void decodesOrRefuses(FuzzedDataProvider data) {
        String header = data.consumeBoolean() ? null : data.consumeString(24);
        try {
            long n = RequestDecoder.contentLength(header, 4096);
            assertTrue(n >= -1 && n <= 4096);
        } catch (RequestDecoder.BadRequest e) {
            assertTrue(e.status() == 400 || e.status() == 413, "status " + e.status());
        }
        byte[] body = data.consumeRemainingAsBytes();
        try {
            float[] x = DECODER.decode(body);
            assertEquals(0, x.length % 4);
            assertTrue(x.length >= 4 && x.length <= 32);
            for (float v : x) {
                assertTrue(v >= 0f && v <= 1f, "value " + v);
            }
        } catch (RequestDecoder.BadRequest e) {
            assertTrue(e.status() == 400 || e.status() == 413, "status " + e.status());
        }
    }
}
