package org.dlsec.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.dlsec.attack.fault.AccuracyDistribution;
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

    /** The spec of entry {@code e}: the command's {@code --mode e.fault() --target weights --quantize int8}. */
    static FaultSpec spec(AuditConfig.FaultEntry e) {
        return new FaultSpec(e.fault(), e.params(), false, true, Granularity.PER_LAYER, FaultDefence.NONE);
    }

    static FaultRecord run(Classifier model, Dataset data, AuditConfig config, AuditConfig.FaultEntry e, String key,
            Supplier<Dataset> attackerData, boolean progress) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        FaultOutcome o = FaultRun.prepare(spec(e), model, data, attackerData).run(progress);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("fault", e.fault());
        params.put("quantisation", e.fault().equals("trojan") ? "none (the trojan works on the float32 model)" : "int8 per layer");
        params.put("seed", config.seed());
        params.putAll(o.parameters());
        List<Integer> xs = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        List<Double> min = new ArrayList<>();
        int toStop = -1;
        if (o.trojan() != null) {
            FaultOutcome.Trojan t = o.trojan();
            return new FaultRecord(e.id(), key, e.fault(), params, o.floatAccuracy(), o.floatAccuracy(), 0, List.of(),
                    List.of(), List.of(), -1, started, (System.nanoTime() - t0) / 1e9, new FaultRecord.Trojan(t.design(),
                            t.target(), t.cleanAccuracy(), t.trojanedCleanAccuracy(), t.changedCleanPredictions(),
                            t.firedOnClean(), t.triggerSuccessRate(), t.triggeredSamples()));
        }
        if (o.bfa() != null) {
            params.put("attackSamples", o.attackSamples());
            params.put("attackData", o.attackData());
            for (int i = 0; i < o.bfa().curve().size(); i++) {
                xs.add(i);
            }
            mean.addAll(o.bfa().curve());
            min.addAll(o.bfa().curve());
            toStop = o.bfa().flipsToStop();
        } else {
            for (AccuracyDistribution d : o.random().distributions()) {
                xs.add(d.faults());
                mean.add(d.mean());
                min.add(d.min());
            }
        }
        return new FaultRecord(e.id(), key, e.fault(), params, o.floatAccuracy(), o.int8Accuracy(), o.weightBits(), xs, mean,
                min, toStop, started, (System.nanoTime() - t0) / 1e9);
    }
}
