package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Memory;
import org.dlsec.data.IdxReader;
import org.junit.jupiter.api.Test;

/**
 * Sizes are checked before anything is allocated: bad --limit, batch sizes and query budgets exit 2
 * with one line, and data declaring more than the heap can hold fails with a clear message rather
 * than an OutOfMemoryError.
 */
class ResourceLimitsTest {
    static final String PT = TestSupport.fixture("lenet-ts.pt").toString();

    @Test
    void badSizesAreUserErrors() {
        String[][] probes = {
            {"--limit", "eval", "--model", PT, "--dataset", "mnist", "--limit", "0"},
            {"--limit", "eval", "--model", PT, "--dataset", "mnist", "--limit", "-3"},
            {"--batch-size", "eval", "--model", PT, "--dataset", "mnist", "--batch-size", "0"},
            {"--batch-size", "eval", "--model", PT, "--dataset", "mnist", "--batch-size", "10000000"},
            {"--batch-size", "attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--batch-size", "0"},
            {"--batch-size", "attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--batch-size", "-1"},
            {"--max-queries", "attack", "--model", PT, "--dataset", "mnist", "--attack", "square", "--max-queries", "0"},
            {"--limit", "attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--limit", "0"},
            {"--batch-size", "certify", "--model", PT, "--dataset", "mnist", "--batch-size", "0"},
            {"--batch-size", "scan", "--model", PT, "--dataset", "mnist", "--batch-size", "0"},
            {"--batch-size", "train", "--arch", "lenet5", "--dataset", "mnist", "--epochs", "1", "--out", "x",
                "--batch-size", "0"},
            {"--batch-size", "poison", "--dataset", "mnist", "--attack", "badnets", "--batch-size", "100000"},
            {"--limit", "audit", "--model", PT, "--dataset", "mnist", "--out", "x", "--limit", "0"},
            {"--budget", "extract", "--target", PT, "--attack", "copycat", "--budget", "0"},
            {"query budget", "serve", "--model", PT, "--query-budget", "-1"},
            {"max batch", "serve", "--model", PT, "--max-batch", "0"},
            {"max body bytes", "serve", "--model", PT, "--max-body-bytes", "10"},
            {"--read-timeout", "serve", "--model", PT, "--read-timeout", "0"},
            {"--limit", "bench", "soak", "--model", PT, "--limit", "0"},
        };
        for (String[] p : probes) {
            String[] args = java.util.Arrays.copyOfRange(p, 1, p.length);
            CliTest.assertUserError(CliTest.run(args), p[0]);
        }
    }

    @Test
    void dataLargerThanTheHeapIsRefusedBeforeAllocation() {
        // 4 x 65536 x 65536 bytes = 16 GiB declared, in a 20-byte file
        ByteBuffer b = ByteBuffer.allocate(20).putInt(0x0803).putInt(4).putInt(65536).putInt(65536);
        DlsecException e = assertThrows(DlsecException.class,
                () -> IdxReader.read(new ByteArrayInputStream(b.array()), "huge.idx"));
        assertTrue(e.getMessage().contains("more than dlsec can hold"), e.getMessage());
        long tooMuch = Runtime.getRuntime().maxMemory() + (1L << 30);
        DlsecException m = assertThrows(DlsecException.class, () -> Memory.require(tooMuch, "a test array"));
        assertTrue(m.getMessage().contains("-Xmx") && m.getMessage().contains("a test array"), m.getMessage());
        // within the array limit but above the heap: refused by the heap check, not by an OutOfMemoryError
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (maxHeap < IdxReader.MAX_PAYLOAD) {
            int side = (int) Math.ceil(Math.sqrt(maxHeap + 1.0));
            ByteBuffer h = ByteBuffer.allocate(12).putInt(0x0802).putInt(side).putInt(side);
            DlsecException x = assertThrows(DlsecException.class,
                    () -> IdxReader.read(new ByteArrayInputStream(h.array()), "big.idx"));
            assertTrue(x.getMessage().contains("MiB of memory"), x.getMessage());
        }
    }
}
