package org.dlsec.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of dlsec and of the libraries a result depends on, read from the build. */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dlsec-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Leave the properties empty: versions then read "unknown".
        }
        return p;
    }

    /**
     * The dlsec version this jar was built as.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} when the build's version file is missing
     */
    public static String dlsec() {
        return PROPS.getProperty("dlsec.version", "unknown");
    }

    /**
     * The DJL version dlsec is built and tested with.
     *
     * @return e.g. {@code 0.36.0}, or {@code unknown}
     */
    public static String djl() {
        return PROPS.getProperty("djl.version", "unknown");
    }

    /**
     * The PyTorch (libtorch) version dlsec is built and tested with.
     *
     * @return e.g. {@code 2.7.1}, or {@code unknown}
     */
    public static String pytorch() {
        return PROPS.getProperty("pytorch.version", "unknown");
    }

    /**
     * The ONNX Runtime version dlsec is built and tested with.
     *
     * @return e.g. {@code 1.20.0}, or {@code unknown}
     */
    public static String onnxRuntime() {
        return PROPS.getProperty("onnxruntime.version", "unknown");
    }

    /**
     * All versions a result should record, in a stable order.
     *
     * @return a new map with the keys {@code dlsec}, {@code djl}, {@code pytorch}, {@code java} and {@code os}
     */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dlsec", dlsec());
        m.put("djl", djl());
        m.put("pytorch", pytorch());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }
}
