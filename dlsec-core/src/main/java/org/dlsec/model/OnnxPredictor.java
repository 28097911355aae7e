package org.dlsec.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.dlsec.core.DlsecException;

/** Runs an {@code .onnx} model with ONNX Runtime; one float32 input (n, sample...), one (n, K) output. */
public final class OnnxPredictor implements BatchPredictor {
    private final OrtSession session;
    private final String inputName;
    private final long[] sampleShape;

    private OnnxPredictor(OrtSession session, String inputName, long[] sampleShape) {
        this.session = session;
        this.inputName = inputName;
        this.sampleShape = sampleShape;
    }

    /**
     * Opens {@code file}; the model's declared input shape (where fixed) must be (n, sample...) for
     * the data's sample shape (any rank: (C, H, W) images, (d) feature vectors). The file is read
     * once, checked by {@link OnnxCheck} (tensor sizes, no external data) and handed to ONNX Runtime
     * as those same bytes, so the runtime never opens a file the model names.
     *
     * @param file the {@code .onnx} file, within the {@link ModelFiles} size limit
     * @param sample one sample's shape, without the batch dimension
     * @return a predictor that owns an ONNX Runtime session; close it to free the session
     * @throws DlsecException when the file is too large, fails the check, cannot be loaded or does not take
     *         the sample shape
     */
    public static OnnxPredictor open(Path file, long[] sample) {
        byte[] bytes = ModelFiles.read(file);
        OnnxCheck.check(bytes, file.toString());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
            OrtSession session = env.createSession(bytes, opts);
            if (session.getInputNames().size() != 1) {
                session.close();
                throw new DlsecException(file + ": dlsec needs an ONNX model with one input, found "
                        + session.getInputNames());
            }
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            if (in.getValue().getInfo() instanceof TensorInfo t) {
                long[] s = t.getShape();
                boolean ok = s.length == sample.length + 1;
                for (int i = 1; ok && i < s.length; i++) {
                    ok = s[i] < 0 || s[i] == sample[i - 1];
                }
                if (!ok) {
                    session.close();
                    throw new DlsecException("input shape mismatch: the ONNX model " + file + " takes "
                            + shapeText(s) + " but the data is " + shapeText(prepend(-1, sample)));
                }
            }
            return new OnnxPredictor(session, in.getKey(), sample.clone());
        } catch (OrtException e) {
            throw new DlsecException("not a loadable ONNX model: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** "(n, 3, 32, 32)": dimensions, a free (negative) one shown as n. */
    static String shapeText(long[] s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i] < 0 ? "n" : String.valueOf(s[i]));
        }
        return b.append(')').toString();
    }

    private static long[] prepend(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Override
    public float[][] predict(float[] inputs, int n) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = prepend(n, sampleShape);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(inputs), shape);
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            Object v = r.get(0).getValue();
            if (v instanceof float[][] out) {
                return out;
            }
            throw new DlsecException("the ONNX model's first output is not a float (n, K) matrix");
        } catch (OrtException e) {
            throw new DlsecException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to release
        }
    }
}
