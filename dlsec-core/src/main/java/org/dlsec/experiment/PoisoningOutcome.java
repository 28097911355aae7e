package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.poisoning.PoisoningAttack;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.StealthyAttack;
import org.dlsec.core.Provenance;
import org.dlsec.defence.detection.FinePruning;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.PoisonDetection;
import org.dlsec.defence.detection.PoisonScreening;
import org.dlsec.defence.detection.Strip;

/**
 * What a {@link PoisoningRun} measured: the two victims, the attack's success and the defence's result.
 *
 * @param attack the attack
 * @param poisoned the poisoned training set and which samples changed
 * @param trainSamples training samples
 * @param testSamples clean test samples
 * @param experiment clean and poisoned victims' accuracy, trigger success on both, the triggered test images
 * @param attackSuccessRate share of triggered test inputs sent where the attacker wanted (NaN without a trigger)
 * @param screening the training-set screen's result, or null
 * @param retrained the victim retrained on the samples the screen kept, or null
 * @param strip STRIP's result, or null
 * @param finePruning fine-pruning's stages, or null
 * @param cleanse Neural Cleanse's scan, or null
 * @param defenceImages Neural Cleanse: the clean images its defender held; fine-pruning: the held-out images its
 *        stages are scored on
 * @param provenance parameters, data, seed, versions and timings
 */
public record PoisoningOutcome(PoisoningAttack attack, Poisoned poisoned, int trainSamples, int testSamples,
        PoisoningExperiment.Result experiment, double attackSuccessRate, PoisonDetection screening,
        PoisonScreening.Retrained retrained, StripRun strip, FinePruning.Result finePruning, NeuralCleanse.Result cleanse,
        int defenceImages, Provenance provenance) {

    /** STRIP on the victim and the sizes of its calibration and held-out sets. */
    public record StripRun(Strip detector, Strip.Result result, int calibrationInputs, int heldOutCleanInputs) {}

    /**
     * The stealthy attack's two acceptance figures, or null for other attacks.
     *
     * @return the figures, or null
     */
    public StealthyAttack.Outcome stealthy() {
        return attack instanceof StealthyAttack ? new StealthyAttack.Outcome(experiment) : null;
    }

    /**
     * The JSON {@code dlsec poison --json} writes.
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attack", attack.name());
        out.put("poisonedModelAccuracy", experiment.poisonedModelAccuracy());
        out.put("cleanModelAccuracy", experiment.cleanModelAccuracy());
        out.put("attackSuccessRate", orNull(attackSuccessRate));
        out.put("triggerOnCleanModel", orNull(experiment.triggerOnCleanModel()));
        out.put("poisonRate", poisoned.rate());
        out.put("poisonedSamples", poisoned.poisoned().length);
        out.put("trainSamples", trainSamples);
        out.put("testSamples", testSamples);
        StealthyAttack.Outcome o = stealthy();
        if (o != null) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("cleanDrop", o.cleanDrop());
            sm.put("maxCleanDrop", StealthyAttack.MAX_CLEAN_DROP);
            sm.put("minSuccess", StealthyAttack.MIN_SUCCESS);
            sm.put("meetsAcceptance", o.stealthy());
            out.put("stealthy", sm);
        }
        Map<String, Object> detection = detection();
        if (detection != null) {
            out.put("detection", detection);
        }
        out.put("provenance", provenance);
        return out;
    }

    /**
     * What the defence found and did, as {@code detection} of {@code dlsec poison --json}, or null without one.
     *
     * @return a new mutable map, or null
     */
    public Map<String, Object> detection() {
        if (screening != null) {
            PoisonDetection.Score s = screening.score(poisoned.poisoned());
            Map<String, Object> dm = new LinkedHashMap<>(screening.toMap());
            dm.put("truePositiveRate", orNull(s.truePositiveRate()));
            dm.put("falsePositiveRate", orNull(s.falsePositiveRate()));
            dm.put("precision", orNull(s.precision()));
            dm.put("truePositives", s.truePositives());
            dm.put("falsePositives", s.falsePositives());
            if (retrained != null) {
                Map<String, Object> rm = new LinkedHashMap<>(retrained.toMap());
                rm.put("attackSuccessRate", orNull(retrained.attackSuccessRate()));
                dm.put("retrained", rm);
            }
            return dm;
        }
        if (strip != null) {
            Map<String, Object> m = new LinkedHashMap<>(strip.result().toMap());
            m.put("calibrationInputs", strip.calibrationInputs());
            m.put("heldOutCleanInputs", strip.heldOutCleanInputs());
            m.put("triggeredInputs", strip.result().triggered().length);
            return m;
        }
        if (finePruning != null) {
            return finePruning.toMap();
        }
        if (cleanse != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("detector", "cleanse");
            m.put("backdoored", cleanse.backdoored());
            m.put("suspectedTarget", cleanse.backdoored() ? cleanse.suspectedTarget() : null);
            m.put("anomalyIndex", cleanse.maxAnomalyIndex());
            m.put("targetFound", targetFound());
            m.put("cleanImages", defenceImages);
            m.put("cleanse", cleanse.toMap());
            return m;
        }
        return null;
    }

    private boolean targetFound() {
        return attack.targetClass() != null && cleanse.backdoored() && cleanse.suspectedTarget() == attack.targetClass();
    }

    /**
     * The lines {@code dlsec poison} prints.
     *
     * @return the lines, in order
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s at rate %.4f: %d of %d training samples poisoned", attack.name(), attack.rate(),
                poisoned.poisoned().length, trainSamples));
        lines.add(String.format("clean accuracy %.2f%% (unpoisoned model, same seed: %.2f%%)",
                100 * experiment.poisonedModelAccuracy(), 100 * experiment.cleanModelAccuracy()));
        if (!Double.isNaN(attackSuccessRate)) {
            lines.add(String.format("attack success %.2f%%%s", 100 * attackSuccessRate,
                    Double.isNaN(experiment.triggerOnCleanModel()) ? ""
                            : String.format(" (trigger on the unpoisoned model: %.2f%%)", 100 * experiment.triggerOnCleanModel())));
        }
        StealthyAttack.Outcome o = stealthy();
        if (o != null) {
            lines.add(String.format("stealthy: clean drop %.2f points (≤ %.1f asked), success %.2f%% (≥ %.0f%% asked): %s",
                    100 * o.cleanDrop(), 100 * StealthyAttack.MAX_CLEAN_DROP, 100 * o.success(),
                    100 * StealthyAttack.MIN_SUCCESS, o.stealthy() ? "met" : "NOT met"));
        }
        defenceLines(lines);
        return lines;
    }

    private void defenceLines(List<String> lines) {
        if (screening != null) {
            PoisonDetection.Score s = screening.score(poisoned.poisoned());
            lines.add(String.format("%s flags %d samples: %.2f%% of the poisons (TPR), %.2f%% of the clean samples (FPR);"
                    + " suspicious classes %s", screening.method(), screening.flaggedIndices().length,
                    100 * s.truePositiveRate(), 100 * s.falsePositiveRate(), screening.toMap().get("suspiciousClasses")));
            if (retrained != null) {
                lines.add(String.format("retrained on the %d samples kept: clean accuracy %.2f%%, attack success %s",
                        retrained.trainSamples(), 100 * retrained.cleanAccuracy(), percent(retrained.attackSuccessRate())));
            }
        } else if (strip != null) {
            Strip.Result r = strip.result();
            lines.add(String.format("STRIP (N=%d): threshold %.4f bits at target FRR %.1f%%: FRR %.2f%% on %d held-out clean"
                    + " inputs, FAR %s", strip.detector().overlays(), r.threshold(), 100 * strip.detector().frr(),
                    100 * r.frr(), strip.heldOutCleanInputs(), Double.isNaN(r.far()) ? "n/a (no trigger)"
                            : String.format("%.2f%% on %d triggered inputs", 100 * r.far(), r.triggered().length)));
        } else if (finePruning != null) {
            FinePruning.Result r = finePruning;
            lines.add(String.format("fine-pruning: %d of %d channels of the %s pruned (ratio %.3f); on %d held-out test"
                    + " images:", r.pruned().length, r.channels(), r.layer(), r.prunedRatio(), defenceImages));
            stage(lines, "before", r.before());
            stage(lines, "after pruning", r.afterPruning());
            stage(lines, "after fine-tuning", r.afterFineTuning());
        } else if (cleanse != null) {
            lines.add(cleanse.backdoored() ? String.format("Neural Cleanse: BACKDOORED, suspected target %d (anomaly index"
                    + " %.2f)%s", cleanse.suspectedTarget(), cleanse.maxAnomalyIndex(), attack.targetClass() == null ? ""
                            : targetFound() ? ", the attacker's target" : ", not the attacker's target " + attack.targetClass())
                    : String.format("Neural Cleanse: no backdoor found (largest anomaly index %.2f)", cleanse.maxAnomalyIndex()));
        }
    }

    private static void stage(List<String> lines, String name, FinePruning.Stage s) {
        lines.add(String.format("  %-18s clean accuracy %.2f%%, attack success %s", name, 100 * s.cleanAccuracy(),
                percent(s.attackSuccessRate())));
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.2f%%", 100 * v);
    }

    /** JSON null for a figure that does not apply (NaN), e.g. attack success of label flipping. */
    static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
