package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.dlsec.attack.poisoning.PoisoningAttack;
import org.dlsec.attack.poisoning.PoisoningAttacks;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.TriggerPattern;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.FinePruning;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.PoisonDetection;
import org.dlsec.defence.detection.PoisonScreening;
import org.dlsec.defence.detection.Strip;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * Runs a {@link PoisoningSpec}: poisons the training set, trains the clean and the poisoned victim with
 * the same seed, measures clean accuracy and attack success, and runs the defence on the poisoned victim.
 */
public final class PoisoningRun {
    private PoisoningRun() {}

    /**
     * Runs {@code spec} with {@code train} as the victim's training set and {@code test} as the clean test set.
     *
     * @param spec the experiment
     * @param train the victim's training set
     * @param test the clean test set
     * @param progress whether to show progress bars on stderr
     * @return what was measured; the victims are closed before this returns
     * @throws org.dlsec.core.DlsecException when the attack does not fit the data
     */
    public static PoisoningOutcome run(PoisoningSpec spec, Dataset train, Dataset test, boolean progress) {
        PoisoningAttack attack = spec.attack();
        check(spec, train);
        Poisoned p = attack.poison(train);
        Map<String, Object> params = new LinkedHashMap<>(PoisoningAttacks.describe(attack));
        params.put("architecture", spec.architecture().cliName());
        params.put("epochs", spec.training().epochs());
        params.put("batchSize", spec.training().batchSize());
        PoisonDefence defence = spec.defence();
        if (defence != null) {
            params.put("detect", defence.name());
            if (defence.strip() != null) {
                params.putAll(defence.strip().describe());
            }
            if (defence.finePruning() != null) {
                params.putAll(defence.finePruning().describe());
            }
        }
        Provenance prov = Provenance.start("trained-here", spec.architecture().cliName() + " trained by dlsec poison",
                train.origin() + "; test " + test.origin(), params, spec.seed());
        Victim v = new Victim(spec, p.data(), test, progress);
        PoisoningExperiment.Result r = PoisoningExperiment.run(spec.architecture(), train, p, test, spec.training(),
                attack.allToAll() ? null : attack.trigger(), attack.targetClass(), progress, v::inspect);
        double asr = attack.allToAll() ? v.allToAllSuccess : r.attackSuccessRate();
        PoisonScreening.Retrained retrained = null;
        if (spec.retrain()) {
            retrained = PoisonScreening.retrain(spec.architecture(), p.data(), v.screening, test, spec.training(),
                    success(attack, test), progress);
        }
        return new PoisoningOutcome(attack, p, train.size(), test.size(), r, asr, v.screening, retrained, v.strip, v.finePruning,
                v.cleanse, v.defenceImages, prov.finishedNow());
    }

    private static void check(PoisoningSpec spec, Dataset train) {
        PoisoningAttack attack = spec.attack();
        if (attack.targetClass() != null) {
            DlsecException.require(attack.targetClass() < train.numClasses(), "--target",
                    "must be a class in 0.." + (train.numClasses() - 1) + ", got " + attack.targetClass());
        }
        if (!train.isImage() && attack.needsImages()) {
            throw new DlsecException("--attack " + attack.name() + " stamps a trigger into images, but " + train.name()
                    + " holds feature vectors of shape " + train.sampleShape() + ": use --attack labelflip or noise");
        }
        if (!train.isImage() && spec.defence() != null && spec.defence().needsImages()) {
            throw new DlsecException("--detect " + spec.defence().name() + " looks for an image trigger, but " + train.name()
                    + " holds feature vectors: use --detect spectral or ac");
        }
    }

    /** Attack success of the attack's trigger on a model, measured on {@code eval}; null without a trigger. */
    static ToDoubleFunction<Classifier> success(PoisoningAttack attack, Dataset eval) {
        TriggerPattern trigger = attack.trigger();
        if (trigger == null) {
            return null;
        }
        return attack.allToAll() ? m -> PoisoningExperiment.allToAllSuccess(m, eval, trigger)
                : m -> PoisoningExperiment.attackSuccess(m, eval, trigger, attack.targetClass());
    }

    /** What the defence and the all-to-all measurement find on the poisoned victim before it is closed. */
    private static final class Victim {
        final PoisoningSpec spec;
        final Dataset poisonedData;
        final Dataset test;
        final boolean progress;
        double allToAllSuccess = Double.NaN;
        PoisonDetection screening;
        PoisoningOutcome.StripRun strip;
        FinePruning.Result finePruning;
        NeuralCleanse.Result cleanse;
        int defenceImages;

        Victim(PoisoningSpec spec, Dataset poisonedData, Dataset test, boolean progress) {
            this.spec = spec;
            this.poisonedData = poisonedData;
            this.test = test;
            this.progress = progress;
        }

        void inspect(DjlClassifier model) {
            PoisoningAttack attack = spec.attack();
            if (attack.allToAll()) {
                allToAllSuccess = PoisoningExperiment.allToAllSuccess(model, test, attack.trigger());
            }
            PoisonDefence d = spec.defence();
            if (d == null) {
                return;
            }
            if (d.screen() != null) {
                screening = PoisonScreening.screen(model, poisonedData, d.screen());
            } else if (d.strip() != null) {
                strip = strip(d.strip(), model);
            } else if (d.finePruning() != null) {
                // the defender's clean data is half of the test set; the stages are scored on the other half
                Dataset[] halves = test.splitValidation(0.5, spec.seed());
                finePruning = d.finePruning().apply(model, halves[0], halves[1], success(attack, halves[1]), progress);
                defenceImages = halves[1].size();
            } else {
                // Neural Cleanse's defender holds half of the clean test set (the half fine-pruning uses)
                Dataset clean = test.splitValidation(0.5, spec.seed())[0];
                cleanse = d.cleanse().scan(model, clean, progress);
                defenceImages = clean.size();
            }
        }

        /**
         * STRIP on the victim: the test set is split into overlay pool, calibration and held-out thirds;
         * FAR is measured on the held-out images (outside the target class) with the trigger stamped in.
         */
        private PoisoningOutcome.StripRun strip(Strip s, DjlClassifier model) {
            PoisoningAttack attack = spec.attack();
            Dataset[] parts = Strip.split(test, spec.seed());
            Dataset held = parts[2];
            Dataset triggered = null;
            if (attack.trigger() != null) {
                Integer target = attack.targetClass();
                int[] keep = IntStream.range(0, held.size()).filter(i -> target == null || held.label(i) != target).toArray();
                triggered = keep.length == 0 ? null
                        : attack.trigger().stamp(held.subset(keep, "held-out images outside the target class"));
            }
            return new PoisoningOutcome.StripRun(s, s.evaluate(model, parts[0], parts[1], held, triggered, progress),
                    parts[1].size(), held.size());
        }
    }
}
