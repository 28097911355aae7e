package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the CSV reader with arbitrary bytes: every input is read or refused with a
 * {@link DlsecException}; nothing else may escape, and what is read is consistent (one label per
 * row, finite features). The corpus in {@code CsvReaderFuzzTestInputs/} is replayed by every
 * {@code mvn test}; {@code bench/fuzz.sh} fuzzes.
 */
class CsvReaderFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void readsOrRefuses(byte[] input) {
        RawData r;
        try {
            r = CsvReader.read(new ByteArrayInputStream(input), "fuzz.csv", null);
        } catch (DlsecException expected) {
            return;
        }
        int d = r.sampleSize();
        assertTrue(d >= 1, "at least one feature");
        assertEquals((long) r.size() * d, r.x().length, "one row of features per label");
        assertEquals(r.size(), r.rows().length);
        for (float v : r.x()) {
            assertTrue(Float.isFinite(v), "features are finite");
        }
    }
}
