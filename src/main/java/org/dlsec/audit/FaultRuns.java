package org.dlsec.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.dlsec.attack.fault.AccuracyDistribution;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.FaultType;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.attack.fault.RandomFaultInjection;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.NormalizedClassifier;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.report.FaultRecord;

/** Runs the audit's hardware-fault experiments on the int8-quantised weights of a dlsec or TorchScript model. */
final class FaultRuns {
    /** Stop the BFA once accuracy is at chance level plus one point. */
    private static final double CHANCE_MARGIN = 0.01;

    private FaultRuns() {}

    /** Why the model cannot take fault experiments, or null when it can. */
    static String unsupported(Classifier model) {
        if (model instanceof DjlClassifier || model instanceof NormalizedClassifier n && n.inner() instanceof DjlClassifier) {
            return null;
        }
        return "needs a dlsec model directory or a TorchScript file (its weights are quantised and changed in memory),"
                + " not a " + model.info().kind() + " model";
    }

    static FaultRecord run(Classifier model, Dataset data, AuditConfig config, AuditConfig.FaultEntry e, String key,
            Supplier<Dataset> attackerData, boolean progress) {
        if (model instanceof NormalizedClassifier n) {
            // the faults go into the weights of the model behind the normalisation, which sees normalised data
            return run((DjlClassifier) n.inner(), n.normalised(data), config, e, key, attackerData, n::normalised,
                    progress);
        }
        return run((DjlClassifier) model, data, config, e, key, attackerData, d -> d, progress);
    }

    /** {@code view} turns data into what {@code c} sees (applied to the attacker's sample once it is drawn). */
    private static FaultRecord run(DjlClassifier c, Dataset data, AuditConfig config, AuditConfig.FaultEntry e, String key,
            Supplier<Dataset> attackerData, java.util.function.UnaryOperator<Dataset> view, boolean progress) {
        Classifier model = c;
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        double floatAcc = Evaluation.accuracy(c, data);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("fault", e.fault());
        params.put("quantisation", "int8 per layer");
        params.put("seed", config.seed());
        try (QuantizedModel q = QuantizedModel.quantize(c, Granularity.PER_LAYER)) {
            long bits = q.weights() * 8;
            List<Integer> xs = new ArrayList<>();
            List<Double> mean = new ArrayList<>();
            List<Double> min = new ArrayList<>();
            double int8;
            int toStop = -1;
            if (e.fault().equals("bfa")) {
                Dataset train = attackerData.get();
                DlsecException.require(train.size() >= 1, "attacker data", "is empty");
                Dataset batch = view.apply(train.sample(Math.min(e.attackSamples(), train.size()), config.seed()));
                double stop = 1.0 / model.numClasses() + CHANCE_MARGIN;
                BitFlipAttack bfa = new BitFlipAttack(new BitFlipAttack.Config(e.flips(), 1, stop));
                BitFlipAttack.Result r = bfa.run(q, batch, data, progress);
                params.putAll(bfa.config().parameters());
                params.put("attackSamples", batch.size());
                params.put("attackData", batch.origin());
                int8 = r.cleanAccuracy();
                for (int i = 0; i < r.curve().size(); i++) {
                    xs.add(i);
                }
                mean.addAll(r.curve());
                min.addAll(r.curve());
                toStop = r.flipsToStop();
            } else {
                RandomFaultInjection.Config cfg = new RandomFaultInjection.Config(FaultType.BIT_FLIP, e.counts(), e.trials(),
                        config.seed(), null);
                params.putAll(cfg.parameters());
                RandomFaultInjection.Result r = RandomFaultInjection.onCodes(q, data, cfg, null, progress);
                int8 = r.cleanAccuracy();
                for (AccuracyDistribution d : r.distributions()) {
                    xs.add(d.faults());
                    mean.add(d.mean());
                    min.add(d.min());
                }
            }
            q.resetCodes();
            return new FaultRecord(e.id(), key, e.fault(), params, floatAcc, int8, bits, xs, mean, min, toStop, started,
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
