package org.dlsec.audit;

import java.time.Instant;
import java.util.function.Supplier;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.FaultDefence;
import org.dlsec.experiment.FaultOutcome;
import org.dlsec.experiment.FaultRun;
import org.dlsec.experiment.FaultSpec;
import org.dlsec.model.Classifier;
import org.dlsec.report.FaultRecord;

/**
 * Runs the audit's hardware-fault experiments through {@link FaultRun} (as {@code dlsec fault} does) on a dlsec or
 * TorchScript model: bit flips in its int8-quantised weights (scales per layer) or a hardware trojan in its float32
 * model, and stores them as {@link FaultRecord}s.
 */
final class FaultRuns {
    private FaultRuns() {}

    /**
     * The spec of entry {@code e}: the command's {@code --mode e.fault() --target weights|activations --quantize int8
     * --defence none|checksum|range}.
     */
    static FaultSpec spec(AuditConfig.FaultEntry e) {
        return new FaultSpec(e.fault(), e.params(), e.activations(), !e.activations(), Granularity.PER_LAYER, e.guard());
    }

    static FaultRecord run(Classifier model, Dataset data, AuditConfig.FaultEntry e, String key,
            Supplier<Dataset> attackerData, boolean progress) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        FaultOutcome o = FaultRun.prepare(spec(e), model, data, attackerData).run(progress);
        FaultOutcome.Curve c = o.curve();
        double seconds = (System.nanoTime() - t0) / 1e9;
        org.dlsec.attack.fault.TrojanInsertion.Result t = o.trojan();
        return new FaultRecord(e.id(), key, e.fault(), c.parameters(), o.floatAccuracy(),
                // activation faults run on the float32 model: its accuracy is the baseline
                e.activations() ? o.floatAccuracy() : java.util.Objects.requireNonNull(c.int8Accuracy(),
                        "the audit quantises the weights"), c.weightBits(), c.flips(),
                c.accuracy(), c.minAccuracy(), c.flipsToStop(), started, seconds, t == null ? null
                        : new FaultRecord.Trojan(t.design(), t.target(), t.cleanAccuracy(), t.trojanedCleanAccuracy(),
                                t.changedCleanPredictions(), t.firedOnClean(), t.triggerSuccessRate(), t.triggeredSamples()),
                e.activations() ? "activations" : "weights", o.defence());
    }
}
