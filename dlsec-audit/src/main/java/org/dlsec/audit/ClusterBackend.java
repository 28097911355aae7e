package org.dlsec.audit;

import java.nio.file.Path;
import org.dlsec.attack.inference.ShadowTrainer;

/**
 * A cluster engine that runs audits and shadow-model training, found with
 * {@link java.util.ServiceLoader} so the core does not depend on it ({@code dlsec-spark} provides
 * the Apache Spark one). {@code dlsec audit --spark MASTER} and {@code dlsec privacy --spark MASTER}
 * use the first one found.
 */
public interface ClusterBackend {
    /** A short name for messages ({@code spark}). */
    String name();

    /**
     * Runs attacks on the cluster at {@code master}, every task loading a copy of the model at
     * {@code model} as {@code view} describes it (bounds, normalisation).
     */
    AttackExecutor attacks(String master, Path model, ModelView view);

    /** Trains shadow models on the cluster at {@code master}, one model per task. */
    ShadowTrainer shadows(String master);

    /** The first backend on the classpath, or a clear error naming what is missing. */
    static ClusterBackend find() {
        return java.util.ServiceLoader.load(ClusterBackend.class).findFirst()
                .orElseThrow(() -> new org.dlsec.core.DlsecException("--spark needs the dlsec-spark module on the classpath:"
                        + " run ./dlsec (which adds it when --spark is given) or spark-submit dlsec-spark.jar (see README)"));
    }
}
