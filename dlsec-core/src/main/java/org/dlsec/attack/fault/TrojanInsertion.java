package org.dlsec.attack.fault;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * The hardware-trojan attack: designs a {@link HardwareTrojan} for a model from clean calibration data, to
 * force class {@code target} when its trigger is present.
 *
 * @param target the class the trigger forces
 * @param calibrationSamples clean training samples the designer profiles the activations on
 */
public record TrojanInsertion(int target, int calibrationSamples) implements FaultAttack {
    /**
     * Checks every parameter.
     *
     * @param target the class the trigger forces
     * @param calibrationSamples clean training samples the designer profiles the activations on
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public TrojanInsertion {
        DlsecException.require(target >= 0, "trojan target", "must be a class index, got " + target);
        DlsecException.require(calibrationSamples >= 1, "calibration samples", "must be at least 1, got " + calibrationSamples);
    }

    @Override
    public String name() {
        return "trojan";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("calibrationSamples", calibrationSamples);
        return m;
    }

    /**
     * The trojan's effect on the victim's samples.
     *
     * @param design where it sits and what wakes it
     * @param target the class its trigger forces
     * @param cleanAccuracy accuracy before the trojan is in place
     * @param trojanedCleanAccuracy accuracy on the same clean samples with the trojan in place
     * @param changedCleanPredictions clean predictions the trojan changed
     * @param firedOnClean how often it fired on the clean samples
     * @param triggerSuccessRate share of the triggered samples (labels other than the target) forced to the target
     * @param triggeredSamples how many samples got the trigger
     */
    public record Result(Map<String, Object> design, int target, double cleanAccuracy, double trojanedCleanAccuracy,
            int changedCleanPredictions, long firedOnClean, double triggerSuccessRate, int triggeredSamples)
            implements FaultAttack.Result {}

    @Override
    public int attackerSamples() {
        return calibrationSamples;
    }

    /**
     * Designs the trojan from the victim's attacker data (clean calibration samples), puts it in the datapath, and
     * measures it on the victim's samples: clean, and stamped with the trigger (those not of the target class).
     */
    @Override
    public Result inject(FaultVictim victim, boolean progress) {
        DlsecException.require(victim.attackerData() != null, "attacker data", "the trojan's designer needs calibration data");
        DjlClassifier c = victim.model();
        Dataset d = victim.data();
        HardwareTrojan trojan = design(c, victim.attackerData());
        Classifier infected = trojan.infect(c);
        Evaluation.Result base = Evaluation.evaluate(c, d, Evaluation.DEFAULT_BATCH, false);
        Evaluation.Result clean = Evaluation.evaluate(infected, d, Evaluation.DEFAULT_BATCH, false);
        long firedOnClean = trojan.fired();
        int[] keep = IntStream.range(0, d.size()).filter(i -> d.label(i) != target).toArray();
        Dataset victims = trojan.stamp(d.subset(keep, "labels other than the trojan target"));
        Evaluation.Result triggered = Evaluation.evaluate(infected, victims, Evaluation.DEFAULT_BATCH, false);
        int hits = (int) IntStream.of(triggered.predictions()).filter(p -> p == target).count();
        int changed = (int) IntStream.range(0, d.size()).filter(i -> base.predictions()[i] != clean.predictions()[i]).count();
        return new Result(trojan.design().describe(), target, base.accuracy(), clean.accuracy(), changed, firedOnClean,
                (double) hits / victims.size(), victims.size());
    }

    /**
     * Designs the trojan for {@code classifier} from {@code calibration} (clean samples).
     *
     * @param classifier the network
     * @param calibration clean samples
     * @return the trojan
     * @throws org.dlsec.core.DlsecException when the target is not a class of the model, or the network does not start
     *         with a convolution the trojan can watch
     */
    public HardwareTrojan design(DjlClassifier classifier, Dataset calibration) {
        DlsecException.require(target < classifier.numClasses(), "trojan target",
                "must be below the model's " + classifier.numClasses() + " classes, got " + target);
        return HardwareTrojan.design(classifier, calibration, target);
    }
}
