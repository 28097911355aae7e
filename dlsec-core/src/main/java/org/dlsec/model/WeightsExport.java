package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;

/**
 * Writes a dlsec model's parameters in a neutral form other frameworks can read: one little-endian
 * float32 file with every parameter in block order, and a JSON index of names, shapes and offsets.
 * Used by the PyTorch cross-checks in {@code bench/}.
 */
public final class WeightsExport {
    private WeightsExport() {}

    /** One exported parameter: its DJL name, type, shape and offset (in floats) into the data file. */
    public record Entry(String name, String type, long[] shape, long offset) {}

    /**
     * Writes the parameters of {@code model} to {@code jsonFile} (the index) and a {@code .bin} file beside it (the
     * float32 data), both atomically.
     *
     * @param model the network; its weights are read, not changed
     * @param jsonFile the index's path, e.g. {@code lenet5.json}; the data goes to {@code lenet5.bin}
     * @return the entries written, in block order
     * @throws DlsecException when a file cannot be written
     */
    public static List<Entry> write(DjlClassifier model, Path jsonFile) {
        Path bin = jsonFile.resolveSibling(jsonFile.getFileName().toString().replaceAll("\\.json$", "") + ".bin");
        List<Entry> entries = new ArrayList<>();
        long[] offset = {0};
        org.dlsec.core.AtomicFiles.write(bin, o -> {
            OutputStream out = new DataOutputStream(o);
            for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
                NDArray a = p.getValue().getArray();
                float[] v = a.toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
                entries.add(new Entry(p.getKey(), p.getValue().getType().name(), a.getShape().getShape(), offset[0]));
                offset[0] += v.length;
            }
            out.flush();
        });
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("format", "dlsec-weights/1");
        index.put("architecture", model.info().architecture());
        index.put("modelSha256", model.info().sha256());
        index.put("data", bin.getFileName().toString());
        index.put("dtype", "float32-le");
        index.put("parameters", entries);
        Json.write(jsonFile, index);
        return entries;
    }
}
