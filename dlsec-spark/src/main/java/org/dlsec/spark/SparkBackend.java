package org.dlsec.spark;

import java.nio.file.Path;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.audit.AttackExecutor;
import org.dlsec.audit.ClusterBackend;
import org.dlsec.audit.ModelView;

/** The Apache Spark {@link ClusterBackend}: registered in {@code META-INF/services}. */
public final class SparkBackend implements ClusterBackend {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public AttackExecutor attacks(String master, Path model, ModelView view) {
        return new SparkAttackExecutor(Contexts.open(master, "dlsec audit"), ModelBundle.read(model), view);
    }

    @Override
    public ShadowTrainer shadows(String master) {
        return new SparkShadowTrainer(Contexts.open(master, "dlsec shadow models"));
    }
}
