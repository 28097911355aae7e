package org.dlsec.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.sidechannel.PowerAnalysis;
import org.dlsec.attack.sidechannel.SideChannelAttack;
import org.dlsec.attack.sidechannel.TimingAttack;
import org.dlsec.core.Provenance;

/**
 * One side-channel experiment of an audit, as {@code dlsec sidechannel} runs it: correlation power analysis of the
 * simulated int8 device ({@code power}, Batina et al. 2019), or the depth of served models from their latency
 * ({@code timing}, Duddu et al. 2018), against one countermeasure.
 *
 * @param id unique id in the audit (file name of its stored result)
 * @param key what a stored result must match to be reused on resume
 * @param attack {@code power} or {@code timing}
 * @param defence the countermeasure: {@code none}, {@code shuffle}, {@code mask} (power), {@code constant-time},
 *        {@code random-delay} (timing)
 * @param parameters the attack's parameters, as {@code dlsec sidechannel --json} records them
 * @param succeeded whether the attack learnt what it set out to under its acceptance rule (power: at least 99% of the
 *        first layer's weights exact; timing: at least 80% of the held-out depths against the countermeasure)
 * @param power the power attack's figures, or null
 * @param timing the timing attack's figures, or null
 * @param provenance the attack's provenance (model hash, attacker data, parameters, seed, versions, times)
 * @param started when it started
 * @param seconds wall time
 */
public record SideChannelRecord(String id, String key, String attack, String defence, Map<String, Object> parameters,
        boolean succeeded, Power power, Timing timing, Provenance provenance, Instant started, double seconds)
        implements StoredResult {
    public SideChannelRecord {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The power attack's figures: the first attacked layer's in full, the others per layer.
     *
     * @param implementation the int8 network attacked (layers, shifts)
     * @param traces traces recorded per layer
     * @param weights weights of the first layer
     * @param exact of them recovered exactly with all the traces
     * @param recovered {@code exact / weights}
     * @param biases biases of the first layer
     * @param biasesExact of them recovered exactly
     * @param unobservable first-layer weights whose input was zero in every trace
     * @param disclosureMedian median traces-to-disclosure of the disclosed first-layer weights (0 if none)
     * @param disclosureMax the largest (0 if none)
     * @param undisclosed first-layer weights not disclosed within the traces
     * @param chance the chance of guessing one weight (1/256)
     * @param curve the first layer's recovery at the checkpoints
     * @param layers every attacked layer, in attack order
     * @param extraction when every layer was attacked: the extracted model against the device on the audited samples
     *        ({@code samples}, {@code int8Accuracy}, {@code extractedAccuracy}, {@code fidelityToInt8},
     *        {@code fidelityToFloat}); else null
     */
    public record Power(String implementation, int traces, int weights, int exact, double recovered, int biases,
            int biasesExact, int unobservable, int disclosureMedian, int disclosureMax, int undisclosed, double chance,
            List<Point> curve, List<Layer> layers, PowerAnalysis.Extraction extraction) {
        public Power {
            curve = List.copyOf(curve);
            layers = List.copyOf(layers);
        }
    }

    /** The share of the first layer's weights disclosed with the first {@code traces} traces. */
    public record Point(int traces, double recovered) {}

    /** One attacked layer: its kind, weights and biases, and how many of each were recovered exactly. */
    public record Layer(int layer, String kind, int weights, int exact, int biases, int biasesExact) {}

    /**
     * The timing attack's figures.
     *
     * @param deployment how the models were served and timed
     * @param candidates candidate architectures (each profiled and held out)
     * @param targets held-out targets predicted per trial
     * @param depthAccuracy share of the targets whose depth was predicted exactly against the countermeasure (the
     *        clean trial without one)
     * @param cleanDepthAccuracy the same without the countermeasure
     * @param widthAccuracy share whose width class was, against the countermeasure
     * @param chance the depth accuracy of always guessing the most common depth
     * @param queries queries sent to the targets and the attacker's references
     * @param profileQueries queries spent profiling the attacker's own models
     * @param latencyCostMillis the mean latency the countermeasure adds per query, in ms (0 without one)
     */
    public record Timing(String deployment, int candidates, int targets, double depthAccuracy, double cleanDepthAccuracy,
            double widthAccuracy, double chance, long queries, long profileQueries, double latencyCostMillis) {}

    /**
     * The record of {@code result}.
     *
     * @param id the run's id
     * @param key its resume key
     * @param result what the attack found
     * @param started when it started
     * @return the record: the first layer's figures in full for the power attack, the trial under the countermeasure
     *         for the timing attack
     */
    public static SideChannelRecord of(String id, String key, SideChannelAttack.Result result, Instant started) {
        Power power = null;
        Timing timing = null;
        Map<String, Object> parameters;
        double seconds;
        if (result instanceof PowerAnalysis.Result p) {
            PowerAnalysis.LayerRecovery first = p.layers().get(0);
            power = new Power(p.implementation(), p.config().traces(), first.weights(), first.exact(), first.recovered(),
                    first.units(), first.biasesExact(), first.unobservable(), first.disclosureMedian(),
                    first.disclosureMax(), first.undisclosed(), p.chance(), first.curve().stream()
                            .map(c -> new Point(c.traces(), c.recovered())).toList(),
                    p.layers().stream().map(l -> new Layer(l.layer(), l.kind(), l.weights(), l.exact(), l.units(),
                            l.biasesExact())).toList(), p.extraction());
            parameters = p.config().parameters();
            seconds = p.seconds();
        } else {
            TimingAttack.Result t = (TimingAttack.Result) result;
            TimingAttack.Trial d = t.defended();
            timing = new Timing(t.deployment(), t.config().candidates().size(), d.predictions().size(), d.depthAccuracy(),
                    t.clean().depthAccuracy(), d.widthAccuracy(), d.chance(), t.queries(), t.profileQueries(),
                    t.latencyCostMillis());
            parameters = t.config().parameters();
            seconds = t.seconds();
        }
        return new SideChannelRecord(id, key, result.attack(), result.defence().cliName(), parameters, result.succeeded(),
                power, timing, result.provenance(), started, seconds);
    }

    /**
     * Whether the attack succeeds without a countermeasure: this record's result for a power run without one; the
     * clean trial, which a timing run always measures beside its countermeasure, for a timing run.
     *
     * @return true when the unprotected implementation gives away what the attack is after
     */
    public boolean undefendedSucceeded() {
        return timing != null ? timing.cleanDepthAccuracy() >= TimingAttack.SUCCESS_ACCURACY
                : defence.equals("none") && succeeded;
    }

    /**
     * The headline figure: the first layer's share of weights recovered exactly (power), or the depth accuracy against
     * the countermeasure (timing).
     *
     * @return in [0, 1]
     */
    public double headline() {
        return power != null ? power.recovered() : timing.depthAccuracy();
    }
}
