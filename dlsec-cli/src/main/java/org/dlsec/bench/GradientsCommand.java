package org.dlsec.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dlsec.core.AtomicFiles;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlsec bench gradients}: the cross-entropy input gradients of the first N samples, written as a
 * float32 NumPy array (N × sample shape), so that {@code bench/gradient-parity.sh} can compare them with
 * PyTorch's element by element and between runs at different thread counts and loads (issue #18).
 */
@Command(name = "gradients", mixinStandardHelpOptions = true,
        description = "Write the loss gradients of the first N samples w.r.t. the input as a float32 .npy file.")
final class GradientsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--dataset", defaultValue = "mnist")
    String dataset;

    @Option(names = "--split", defaultValue = "test")
    String split;

    @Option(names = "--limit", defaultValue = "1000")
    int limit;

    @Option(names = "--batch-size", defaultValue = "250")
    int batchSize;

    @Option(names = "--out", required = true, description = "The .npy file to write.")
    Path out;

    @Override
    public Integer call() {
        DlsecException.require(limit >= 1, "--limit", "must be at least 1, got " + limit);
        DlsecException.require(batchSize >= 1 && batchSize <= 4096, "--batch-size", "must be in 1..4096, got " + batchSize);
        Dataset data = Datasets.load(dataset, split, Optional.empty());
        int n = Math.min(limit, data.size());
        int d = data.sampleSize();
        float[] all = new float[Math.multiplyExact(n, d)];
        try (Classifier c = Models.load(model, data.sampleShape())) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDManager m = Engines.newManager()) {
                    NDArray g = c.lossGradient(data.images(m, from, to), data.labels(m, from, to));
                    System.arraycopy(g.toFloatArray(), 0, all, from * d, (to - from) * d);
                }
            }
        }
        long[] shape = new long[data.sampleShape().dimension() + 1];
        shape[0] = n;
        System.arraycopy(data.sampleShape().getShape(), 0, shape, 1, shape.length - 1);
        writeNpy(out, all, shape);
        System.out.printf("%d gradients of shape %s written to %s%n", n, data.sampleShape(), out);
        return 0;
    }

    /** NumPy format 1.0: magic, little-endian header length, a Python dict literal padded to 64 bytes, data. */
    static void writeNpy(Path file, float[] values, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        int unpadded = 6 + 2 + 2 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        AtomicFiles.write(file, o -> {
            o.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            o.write(header.length() & 0xff);
            o.write(header.length() >>> 8);
            o.write(header.getBytes(StandardCharsets.US_ASCII));
            o.write(data.array());
        });
    }
}
