package org.dlsec.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.dlsec.core.DlsecException;

/**
 * The one place dlsec touches DJL's engine start-up. Before the engine loads it sets, unless the
 * user set them already: {@code OPT_OUT_TRACKING=true} (DJL otherwise probes a cloud metadata
 * address at start-up: a security tool must not phone home) and {@code ai.djl.offline=true} (the
 * native library comes from the {@code pytorch-native-cpu} jar on the classpath, never a download).
 * On first use of the engine it also configures libtorch's numerics ({@link LibTorchNumerics}).
 */
public final class Engines {
    /**
     * The DJL engine name dlsec uses.
     */
    public static final String ENGINE = "PyTorch";
    /** The libtorch version DJL's PyTorch engine of this build expects from the natives jar. */
    public static final String NATIVES_VERSION = "2.7.1";

    static {
        configureOffline();
    }

    private Engines() {}

    /** Idempotent; safe to call before anything else touches DJL. */
    public static void configureOffline() {
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.default_engine", ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * The PyTorch engine, with libtorch's numerics configured and self-checked on first use (see
     * {@link LibTorchNumerics}).
     *
     * @return the engine; the first call loads libtorch and may take a few seconds
     * @throws ai.djl.engine.EngineException when the engine cannot be loaded (no native library for this platform)
     */
    public static Engine engine() {
        Engine e;
        try {
            e = Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError failure) {
            if (Engines.class.getClassLoader().getResource("native/lib/pytorch.properties") == null) {
                throw new DlsecException("PyTorch's native library is not on the classpath and dlsec never downloads it: add "
                        + "ai.djl.pytorch:pytorch-native-cpu:" + NATIVES_VERSION + " with the classifier of your platform "
                        + "(linux-x86_64, osx-aarch64, win-x86_64), or a CUDA build (pytorch-native-cu*), see the README", failure);
            }
            throw failure;
        }
        LibTorchNumerics.configure();
        return e;
    }

    /**
     * A new root manager on the CPU; close it when done.
     *
     * @return a new base manager; the caller owns it and closes it, which frees every array made on it
     */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /**
     * Seeds the engine's random generator (parameter initialisation, dropout, random ops).
     *
     * @param seed any value; it is folded to the engine's 32-bit seed, which is JVM-wide (not per thread)
     */
    public static void seed(long seed) {
        engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }
}
