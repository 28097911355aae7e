package org.dlsec.spark;

import java.nio.file.Path;
import org.apache.spark.SparkEnv;
import org.dlsec.model.Engines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every executor JVM sets up once, before its first task touches DJL: the PyTorch native
 * library is extracted to a cache directory of its own (unless {@code DJL_CACHE_DIR} /
 * {@code ENGINE_CACHE_DIR} say where), there is one engine per JVM (DJL's), and libtorch's
 * intra-op threads are set to the cores of one task ({@code spark.dlsec.torchThreads}, default
 * {@code spark.task.cpus}) so that N concurrent tasks use N cores instead of N × all of them.
 */
public final class ExecutorRuntime {
    /** Spark setting: libtorch intra-op threads per executor JVM. */
    public static final String THREADS = "spark.dlsec.torchThreads";
    /** Spark setting: where an executor extracts the PyTorch native library. */
    public static final String CACHE_DIR = "spark.dlsec.engineCacheDir";

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
    private static boolean done;

    private ExecutorRuntime() {}

    /** Idempotent: the first call in a JVM configures it (from the Spark settings when inside Spark). */
    public static synchronized void init() {
        if (done) {
            return;
        }
        SparkEnv env = SparkEnv.get();
        int threads = env == null ? 1
                : env.conf().getInt(THREADS, env.conf().getInt("spark.task.cpus", 1));
        String cache = env == null ? null : env.conf().get(CACHE_DIR, null);
        init(threads, cache);
    }

    /** Configures this JVM: {@code threads} intra-op threads, the native library extracted under {@code cacheDir} (or a default). */
    public static synchronized void init(int threads, String cacheDir) {
        if (done) {
            return;
        }
        if (System.getenv("DJL_CACHE_DIR") == null && System.getenv("ENGINE_CACHE_DIR") == null
                && System.getProperty("DJL_CACHE_DIR") == null && System.getProperty("ENGINE_CACHE_DIR") == null) {
            String dir = cacheDir != null ? cacheDir
                    : Path.of(System.getProperty("java.io.tmpdir"), "dlsec-engine-" + System.getProperty("user.name")).toString();
            System.setProperty("ENGINE_CACHE_DIR", dir);
        }
        String n = Integer.toString(Math.max(1, threads));
        System.setProperty("ai.djl.pytorch.num_threads", n);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engines.configureOffline();
        Engines.engine();
        // The engine may have been loaded before (local mode: the driver's JVM); set the count anyway.
        ai.djl.pytorch.jni.JniUtils.setNumThreads(Math.max(1, threads));
        LOG.info("dlsec executor runtime: {} libtorch intra-op thread(s), engine cache {}", n,
                System.getProperty("ENGINE_CACHE_DIR", System.getenv("ENGINE_CACHE_DIR")));
        done = true;
    }
}
