package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.attack.sidechannel.PowerAnalysis;
import org.dlsec.attack.sidechannel.SideChannelAttack;
import org.dlsec.attack.sidechannel.TimingAttack;

/**
 * What {@code dlsec sidechannel} prints and writes for one {@link SideChannelAttack.Result}: the console summary and
 * the outcome's fields of its {@code --json} (the command adds the model, data and provenance).
 *
 * @param result the result of a power or timing attack
 */
public record SideChannelOutcome(SideChannelAttack.Result result) {
    /**
     * The console summary: the attack's own summary and, for the power attack, the first layer's traces to disclosure
     * and the extracted model's accuracy and fidelity (when the whole model was extracted); for the timing attack, the
     * queries spent and the defence's latency cost per query.
     *
     * @return the lines to print, without line terminators
     */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        if (result instanceof PowerAnalysis.Result p) {
            out.addAll(PowerAnalysis.summary(p).lines().toList());
            PowerAnalysis.LayerRecovery first = p.layers().get(0);
            out.add(String.format(Locale.ROOT, "first layer: traces to disclosure median %d, max %d, %d weights not"
                    + " disclosed within %d traces (chance %.2f%%)", first.disclosureMedian(), first.disclosureMax(),
                    first.undisclosed(), first.traces(), 100 * p.chance()));
            if (p.extraction() != null) {
                PowerAnalysis.Extraction e = p.extraction();
                out.add(String.format(Locale.ROOT, "extracted model: accuracy %.4f (device int8 %.4f, float %.4f),"
                        + " fidelity %.4f to the device, %.4f to the float model (%d images)", e.extractedAccuracy(),
                        e.int8Accuracy(), e.floatAccuracy(), e.fidelityToInt8(), e.fidelityToFloat(), e.samples()));
            }
        } else if (result instanceof TimingAttack.Result t) {
            out.addAll(TimingAttack.summary(t).lines().toList());
            out.add(String.format(Locale.ROOT, "queries: %d (profiling %d)%s", t.queries(), t.profileQueries(),
                    t.defence().cliName().equals("none") ? ""
                            : String.format(Locale.ROOT, "; the defence costs %.3f ms per query", t.latencyCostMillis())));
        }
        return out;
    }

    /**
     * The outcome's fields of {@code --json}: {@code attack}, {@code countermeasure}, {@code succeeded}, and
     * {@code recovered} and {@code power} (the whole result) for the power attack, or {@code depthAccuracy} (under the
     * countermeasure), {@code queries} and {@code timing} (the whole result) for the timing attack.
     *
     * @return a new, mutable, insertion-ordered map of these fields
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attack", result.attack());
        out.put("countermeasure", result.defence().cliName());
        out.put("succeeded", result.succeeded());
        if (result instanceof PowerAnalysis.Result p) {
            out.put("recovered", p.firstLayerRecovered());
            out.put("power", p);
        } else if (result instanceof TimingAttack.Result t) {
            out.put("depthAccuracy", t.defended().depthAccuracy());
            out.put("queries", t.queries());
            out.put("timing", t);
        }
        return out;
    }
}
