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

/** Runs an {@code .onnx} model with ONNX Runtime; one float32 NCHW input, one (n, K) output. */
public final class OnnxPredictor implements BatchPredictor {
    private final OrtSession session;
    private final String inputName;
    private final long[] sampleShape;

    private OnnxPredictor(OrtSession session, String inputName, long[] sampleShape) {
        this.session = session;
        this.inputName = inputName;
        this.sampleShape = sampleShape;
    }

    /** Opens {@code file}; the model's declared input shape (if fixed) must match {@code (C,H,W)}. */
    public static OnnxPredictor open(Path file, long[] chw) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
            OrtSession session = env.createSession(file.toString(), opts);
            if (session.getInputNames().size() != 1) {
                session.close();
                throw new DlsecException(file + ": dlsec needs an ONNX model with one input, found "
                        + session.getInputNames());
            }
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            if (in.getValue().getInfo() instanceof TensorInfo t) {
                long[] s = t.getShape();
                boolean ok = s.length == 4;
                for (int i = 1; ok && i < 4; i++) {
                    ok = s[i] < 0 || s[i] == chw[i - 1];
                }
                if (!ok) {
                    session.close();
                    throw new DlsecException("input shape mismatch: the ONNX model expects "
                            + java.util.Arrays.toString(s) + " but the data is (n, " + chw[0] + ", " + chw[1] + ", "
                            + chw[2] + ")");
                }
            }
            return new OnnxPredictor(session, in.getKey(), chw);
        } catch (OrtException e) {
            throw new DlsecException("not a loadable ONNX model: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public float[][] predict(float[] inputs, int n) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {n, sampleShape[0], sampleShape[1], sampleShape[2]};
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
