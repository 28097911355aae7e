package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the image decoder (PNG, JPEG, BMP through ImageIO, then the conversion to CHW floats and the
 * bilinear resize an image folder applies) with arbitrary bytes: every input is decoded or refused
 * with a {@link DlsecException} naming it; nothing else may escape (ImageIO's own exceptions and
 * warnings included), and decoded values lie in [0, 1]. The corpus in
 * {@code ImageDecoderFuzzTestInputs/} is replayed by every {@code mvn test}; {@code bench/fuzz.sh} fuzzes.
 */
class ImageDecoderFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 200_000)
    void decodesOrRefuses(byte[] input) {
        float[] x = new float[3 * 8 * 8];
        try {
            ImageDecoder.decode(input, "fuzz.img", 3, 8, 8, true, x, 0);
        } catch (DlsecException e) {
            assertTrue(e.getMessage().contains("fuzz.img"), e.getMessage());
            return;
        }
        for (float v : x) {
            assertTrue(v >= 0 && v <= 1, "pixels in [0,1]");
        }
    }
}
