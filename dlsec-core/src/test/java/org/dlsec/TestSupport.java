package org.dlsec;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Engines;

/** Shared test fixtures: small MNIST subsets and the committed PyTorch fixture files. */
public final class TestSupport {
    static {
        Engines.configureOffline();
    }

    private TestSupport() {}

    public static Dataset mnistTest(int n) {
        return Datasets.load(DatasetId.MNIST, "test", Optional.empty()).first(n);
    }

    public static Dataset mnistTrain(int n) {
        return Datasets.load(DatasetId.MNIST, "train", Optional.empty()).first(n);
    }

    /** The bytes of an IDX file with the given magic, dimensions and payload. */
    public static byte[] idx(int magic, int[] dims, byte[] payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    public static Path fixture(String name) {
        try {
            return Path.of(TestSupport.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture " + name, e);
        }
    }
}
