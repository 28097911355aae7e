package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the TorchScript archive check ({@link TorchScriptCheck}, {@link TorchPickle}) that runs
 * before libtorch sees a {@code .pt} file: every input is accepted or refused with a
 * {@link DlsecException}, never another exception, a hang or an allocation it declares. An input
 * starting with "PK" is checked as a whole archive; any other input is a {@code data.pkl}, put into
 * a well-formed archive with the records (not the code) of a real traced model (so that mutations reach the pickle
 * and the storage checks instead of failing the zip CRC), and is also read as a debug pickle. The
 * corpus in {@code TorchScriptArchiveFuzzTestInputs/} is replayed by every {@code mvn test};
 * {@code bench/fuzz.sh TorchScriptArchiveFuzzTest} fuzzes.
 */
class TorchScriptArchiveFuzzTest {
    static final long MAX = 64L << 20;
    private static List<ZipEntry> baseEntries;
    private static List<byte[]> baseData;

    private static synchronized void base() throws IOException {
        if (baseEntries != null) {
            return;
        }
        List<ZipEntry> e = new ArrayList<>();
        List<byte[]> d = new ArrayList<>();
        // java.util.zip.ZipFile (the central directory): torch.jit.save's stored entries carry data descriptors,
        // which ZipInputStream cannot read
        try (ZipFile z = new ZipFile(Path.of("dlsec-core/src/test/resources/hostile/good/tiny.pt").toFile())) {
            for (ZipEntry x : java.util.Collections.list(z.entries())) {
                if (x.getName().contains("/code/")) {
                    continue; // not needed around a fuzzed data.pkl: fewer entries, more executions per second
                }
                e.add(new ZipEntry(x.getName()));
                try (InputStream in = z.getInputStream(x)) {
                    d.add(in.readAllBytes());
                }
            }
        }
        baseEntries = e;
        baseData = d;
    }

    /** tiny.pt with its data.pkl replaced by {@code pkl}. */
    static byte[] archiveAround(byte[] pkl) throws IOException {
        base();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.setLevel(0);
            for (int i = 0; i < baseEntries.size(); i++) {
                String name = baseEntries.get(i).getName();
                z.putNextEntry(new ZipEntry(name));
                z.write(name.endsWith("/data.pkl") ? pkl : baseData.get(i));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    // 60 minutes, not 10 as the other targets: a zip is parsed and every entry inflated and CRC-checked per input,
    // a few hundred inputs a second on a loaded machine; the run stops at 1,000,000 inputs first
    @FuzzTest(maxDuration = "60m", maxExecutions = 1_000_000)
    void checksOrRefuses(byte[] input) {
        try {
            boolean zip = input.length > 1 && input[0] == 'P' && input[1] == 'K';
            byte[] archive = zip ? input : archiveAround(input);
            try {
                TorchScriptCheck.Summary s = TorchScriptCheck.check(archive, "fuzz.pt", MAX);
                assertTrue(s.storageBytes() >= 0 && s.storageBytes() <= MAX && s.tensors() >= 0, s.toString());
            } catch (DlsecException expected) {
                // refused with a message
            }
            if (!zip) {
                try {
                    TorchPickle.read(input, "fuzz.debug_pkl", false);
                } catch (DlsecException expected) {
                    // refused debug pickle
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
