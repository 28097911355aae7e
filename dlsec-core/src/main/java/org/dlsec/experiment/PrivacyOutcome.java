package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.inference.MembershipResult;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.core.Json;

/**
 * What a membership-inference experiment found: the scores and ROC of every split sample, and the split itself.
 *
 * @param result the attack's scores, ROC and summary
 * @param split the member/non-member split (indices, seed, where the members came from)
 * @param placed where the target's training images were taken from (its card, or assumed)
 */
public record PrivacyOutcome(MembershipResult result, MembershipSplit split, String placed) {
    /**
     * The split as recorded: indices, sizes, seed, and where the target's training images came from.
     *
     * @return a new mutable map
     */
    public Map<String, Object> splitRecord() {
        Map<String, Object> rec = new LinkedHashMap<>(split.record());
        rec.put("targetTrainingData", placed);
        return rec;
    }

    /**
     * The outcome's fields of {@code dlsec privacy --json}: summary, parameters, extra figures, ROC, split.
     *
     * @param rocPoints about how many ROC points to keep (see {@link org.dlsec.metric.Roc#points(int)})
     * @return a new mutable map
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json(int rocPoints) {
        Map<String, Object> out = new LinkedHashMap<>(Json.MAPPER.convertValue(result.summary(), Map.class));
        out.put("parameters", result.parameters());
        out.put("extra", result.extra());
        out.put("roc", result.roc().points(rocPoints));
        out.put("split", splitRecord());
        return out;
    }
}
