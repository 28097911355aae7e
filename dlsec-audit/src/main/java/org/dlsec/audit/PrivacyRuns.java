package org.dlsec.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.dlsec.attack.inference.MembershipResult;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.attack.inference.MiFace;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.PrivacyOutcome;
import org.dlsec.experiment.PrivacyRun;
import org.dlsec.experiment.PrivacySpec;
import org.dlsec.metric.Interval;
import org.dlsec.metric.Roc;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.PrivacyRecord;

/**
 * Runs the audit's privacy attacks. Model inversion needs only the model's gradients. Membership
 * inference needs to know which images trained the model: a dlsec model directory's card records
 * it (see {@link org.dlsec.train.TrainingRun#trainingIndices}); for any other model (a TorchScript or ONNX file) the
 * attacks that need no shadow models take the whole training split as the members, as {@code dlsec privacy} does, and
 * the record says so ({@code membersAssumed}); the shadow-model attacks, which train the model's architecture, are
 * skipped with the reason.
 */
final class PrivacyRuns {
    private PrivacyRuns() {}

    /** Why membership attack {@code attack} cannot run on this model and data, or null when it can. */
    static String membershipUnsupported(Classifier model, Dataset data, String attack) {
        if (!"test".equals(data.split())) {
            return "membership inference draws non-members from the audited test images; this audit is on the "
                    + data.split() + " split";
        }
        if (cardOf(model).isEmpty() && SHADOW.contains(attack)) {
            return attack + " trains shadow models of the target's architecture, which only a dlsec model directory's card"
                    + " names";
        }
        return null;
    }

    /** The membership attacks that train shadow or reference models of the target's architecture. */
    static final List<String> SHADOW = List.of("shadow", "lira", "lira-offline");

    /** Why inversion cannot run on this model, or null when it can. */
    static String inversionUnsupported(Classifier model, Dataset data) {
        if (!data.isImage()) {
            return "model inversion (MI-Face) reconstructs images; these data are feature vectors";
        }
        return model.hasGradients() ? null : "model inversion (MI-Face) needs gradients; this model is a black box";
    }

    static PrivacyRecord run(Classifier model, Dataset data, Supplier<Dataset> trainSplit, AuditConfig config,
            AuditConfig.PrivacyEntry e, String key) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        if (e.inversion()) {
            MiFace.Result r = PrivacyRun.inversion(spec(e, config, e.members())).infer(model);
            String grid = Base64.getEncoder().encodeToString(AdversarialGrids.inversion(r.images(), r.confidence(), data).png());
            return PrivacyRecord.inversion(e.id(), key, r.parameters(), r.confidence(), started,
                    (System.nanoTime() - t0) / 1e9, grid, r.numericalIssues());
        }
        String why = membershipUnsupported(model, data, e.attack());
        if (why != null) {
            throw new DlsecException(why);
        }
        Optional<ModelCard> card = cardOf(model);
        Dataset train = trainSplit.get();
        PrivacyRun.TrainingImages images = PrivacyRun.trainingImages(card, train, model.info().source());
        PrivacySpec spec = spec(e, config, e.nonMembers().equals("test") ? Math.min(e.members(), data.size()) : e.members());
        MembershipSplit split = PrivacyRun.split(spec, train, images, data);
        PrivacyOutcome o = PrivacyRun.membership(PrivacyRun.attack(spec, card, ShadowTrainer.LOCAL), model, split, images);
        MembershipResult r = o.result();
        MembershipResult.Summary s = r.summary();
        Map<String, Object> params = new LinkedHashMap<>(r.parameters());
        params.put("split", split.record());
        params.put("members", images.placed());
        params.put("membersAssumed", images.assumed());
        List<double[]> roc = new ArrayList<>();
        for (Roc.Point p : r.roc().points(200)) {
            roc.add(new double[] {p.fpr(), p.tpr()});
        }
        return new PrivacyRecord(e.id(), key, e.attack(), params, s.auc(), s.balancedAccuracy(), s.tprAt01Fpr(),
                s.tprAt1Fpr(), s.members(), s.nonMembers(), roc, started, (System.nanoTime() - t0) / 1e9,
                Interval.bootstrapAuc(r.scores(), r.member(), config.seed()));
    }

    /**
     * The membership attack of {@code e} on {@code dpModel}, the audited model's counterpart trained with DP-SGD; the
     * record says which run it compares with ({@code comparedWith}), the DP budget its card records
     * ({@code dpEpsilon}, {@code dpDelta}, {@code noiseMultiplier}) and both models' accuracy on the audited samples
     * ({@code auditedAccuracy}: the audit's clean accuracy of the deployed model).
     */
    static PrivacyRecord onDpModel(double auditedAccuracy, Classifier dpModel, Dataset data, Supplier<Dataset> trainSplit,
            AuditConfig config, AuditConfig.PrivacyEntry e, String key) {
        ModelCard card = cardOf(dpModel).orElseThrow(() -> new DlsecException("dpModel " + e.dpModel()
                + " is not a dlsec model directory"));
        Object step = card.training() == null || card.training().extra() == null ? null
                : card.training().extra().get("gradientStep");
        if (!(step instanceof Map<?, ?> dp) || !(dp.get("epsilon") instanceof Number)) {
            throw new DlsecException("dpModel " + e.dpModel() + " was not trained with DP-SGD (its card records no privacy"
                    + " budget): train it with `dlsec train --dp`");
        }
        String why = membershipUnsupported(dpModel, data, e.attack());
        if (why != null) {
            throw new DlsecException("dpModel " + e.dpModel() + ": " + why);
        }
        PrivacyRecord r = run(dpModel, data, trainSplit, config, e, key);
        Map<String, Object> params = new LinkedHashMap<>(r.parameters());
        params.put("comparedWith", e.id().substring(0, e.id().length() - "-dp".length()));
        params.put("dpModel", e.dpModel());
        params.put("dpEpsilon", dp.get("epsilon"));
        params.put("dpDelta", dp.get("delta"));
        params.put("noiseMultiplier", dp.get("noiseMultiplier"));
        params.put("auditedAccuracy", auditedAccuracy);
        params.put("dpAccuracy", org.dlsec.metric.Evaluation.accuracy(dpModel, data));
        return r.withParameters(params);
    }

    private static PrivacySpec spec(AuditConfig.PrivacyEntry e, AuditConfig config, int members) {
        return new PrivacySpec(e.attack(), e.shadows(), e.params(), e.nonMembers(), members, config.seed());
    }

    private static Optional<ModelCard> cardOf(Classifier model) {
        return Deployment.cardOf(model);
    }
}
