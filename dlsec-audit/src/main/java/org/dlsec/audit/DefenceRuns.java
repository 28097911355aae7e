package org.dlsec.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.data.Dataset;
import org.dlsec.defence.GradientMaskingChecks;
import org.dlsec.defence.certification.Certification;
import org.dlsec.defence.certification.RandomizedSmoothing;
import org.dlsec.model.Classifier;
import org.dlsec.report.CertificationRecord;
import org.dlsec.report.MaskingRecord;

/**
 * Runs the audit's defence measurements on the audited model as {@code dlsec certify} and {@code dlsec check-masking}
 * do on the same first samples: randomized-smoothing certificates and the gradient-masking checks.
 */
final class DefenceRuns {
    private DefenceRuns() {}

    static CertificationRecord certify(Classifier model, Dataset data, AuditConfig.CertificationEntry e, String key,
            boolean progress) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Dataset d = data.first(Math.min(e.limit(), data.size()));
        double[] radii = e.radii().stream().mapToDouble(Double::doubleValue).toArray();
        Certification.Result r = Certification.run(new RandomizedSmoothing(model, e.params()), d, radii, progress);
        List<Double> acc = new ArrayList<>();
        for (double a : r.certifiedAccuracy()) {
            acc.add(a);
        }
        double[][] c = r.curve();
        List<double[]> curve = new ArrayList<>();
        for (int i = 0; i < c[0].length; i++) {
            curve.add(new double[] {c[0][i], c[1][i]});
        }
        Map<String, Object> params = new LinkedHashMap<>(r.parameters());
        params.put("samples", d.size());
        return new CertificationRecord(e.id(), key, params, e.radii(), acc, r.cleanSmoothedAccuracy(), r.abstentions(),
                d.size(), curve, started, (System.nanoTime() - t0) / 1e9);
    }

    /** Why the masking checks cannot run on {@code model}, or null when they can. */
    static String maskingUnsupported(Classifier model) {
        return model.hasGradients() ? null : "the gradient-masking checks compare white-box with black-box attacks; the "
                + model.info().kind() + " model gives no gradients";
    }

    static MaskingRecord masking(Classifier model, Dataset data, AuditConfig.MaskingEntry e, String key, boolean progress) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Dataset d = data.first(Math.min(e.limit(), data.size()));
        GradientMaskingChecks.Result r = GradientMaskingChecks.run(model, d, e.config(), progress);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("eps", e.config().epsilon());
        params.put("squareQueries", e.config().squareQueries());
        params.put("tolerance", e.config().tolerance());
        params.put("seed", e.config().seed());
        params.put("paper", "Athalye, Carlini, Wagner, ICML 2018, section 3.1");
        List<MaskingRecord.Check> checks = r.checks().stream()
                .map(c -> new MaskingRecord.Check(c.name(), c.flagged(), c.figures(), c.meaning())).toList();
        return new MaskingRecord(e.id(), key, params, checks, r.masked(), d.size(), started, (System.nanoTime() - t0) / 1e9);
    }
}
