package org.dlsec.audit;

import java.time.Instant;
import java.util.function.Supplier;
import org.dlsec.attack.sidechannel.Int8Network;
import org.dlsec.attack.sidechannel.SideChannelAttack;
import org.dlsec.attack.sidechannel.SideChannelAttacks;
import org.dlsec.attack.sidechannel.SideChannelVictim;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.report.SideChannelRecord;

/**
 * Runs the audit's side-channel experiments as {@code dlsec sidechannel} runs them, and stores each as a
 * {@link SideChannelRecord}: the power attack on the int8 implementation of the audited model itself (the device's
 * leakage does not depend on a deployment's input transformation or output policy), with the training split as the
 * attacker's data and calibration set; the timing attack on candidate models of the audited model's input shape and
 * classes, served by {@link LoopbackServing}, queried with training images.
 */
final class SideChannelRuns {
    private SideChannelRuns() {}

    /**
     * Why the entries of {@code attack} cannot run on {@code model}, or null when they can: the power attack needs an
     * int8 path (checked by quantising the model, calibrated on the audited samples), the timing attack image inputs.
     */
    static String unsupported(String attack, Classifier model, Dataset data) {
        if (attack.equals("timing")) {
            return model.inputShape().dimension() == 3 ? null : "timing: the candidate architectures are image networks,"
                    + " and the model takes samples of shape " + model.inputShape();
        }
        try {
            Int8Network.quantize(model, data);
            return null;
        } catch (DlsecException e) {
            return "power: " + e.getMessage();
        }
    }

    /** Runs {@code e}; with every layer attacked, the extracted model is compared with the device on {@code data}. */
    static SideChannelRecord run(Classifier model, Dataset data, Supplier<Dataset> attackerData,
            AuditConfig.SideChannelEntry e, String key, boolean progress) {
        Instant started = Instant.now();
        SideChannelAttack attack = SideChannelAttacks.create(e.attack(), e.params());
        SideChannelVictim victim = new SideChannelVictim(model, model.info().sha256(), attackerData.get(), data,
                e.attack().equals("timing") ? LoopbackServing.deployment(e.params().seed()) : null);
        return SideChannelRecord.of(e.id(), key, attack.run(victim, progress), started);
    }
}
