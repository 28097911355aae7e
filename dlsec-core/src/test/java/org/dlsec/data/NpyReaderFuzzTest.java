package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the .npy and .npz readers (and the check of x and y that follows) with arbitrary bytes:
 * every input is read or refused with a {@link DlsecException}; a header declaring a huge array must
 * not make the reader allocate it. The corpus in {@code NpyReaderFuzzTestInputs/} is replayed by every
 * {@code mvn test}; {@code bench/fuzz.sh} fuzzes.
 */
class NpyReaderFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void readsOrRefuses(byte[] input) {
        boolean zip = input.length > 1 && input[0] == 'P' && input[1] == 'K';
        try {
            if (zip) {
                var a = NpyReader.readNpz(new ByteArrayInputStream(input), "fuzz.npz", List.of("x", "y"));
                RawData r = DataSource.arrays(a.get("x"), a.get("y"), "fuzz.npz", "fuzz");
                assertEquals((long) r.size() * r.sampleSize(), r.x().length);
            } else {
                NpyReader.NpyArray a = NpyReader.readNpy(new ByteArrayInputStream(input), "fuzz.npy");
                long n = a.count();
                assertEquals(n, a.floats() != null ? a.floats().length : a.longs().length,
                        "values match the declared shape");
            }
        } catch (DlsecException expected) {
            // refused with a message
        }
    }
}
