package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the IDX reader with arbitrary bytes (plain or gzip): every input is read or refused with a
 * {@link DlsecException}; nothing else may escape, and a header declaring a huge payload must not
 * make the reader allocate it. The corpus in {@code IdxReaderFuzzTestInputs/} is replayed by every
 * {@code mvn test}; {@code bench/fuzz.sh} fuzzes.
 */
class IdxReaderFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void readsOrRefuses(byte[] input) {
        IdxReader.IdxFile f;
        try {
            f = IdxReader.read(new ByteArrayInputStream(input), "fuzz.idx");
        } catch (DlsecException expected) {
            return;
        }
        long size = 1;
        for (int d : f.dims()) {
            size *= d;
        }
        assertEquals(size, f.data().length, "payload length matches the declared dimensions");
    }
}
