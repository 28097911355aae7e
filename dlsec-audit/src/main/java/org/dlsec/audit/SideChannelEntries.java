package org.dlsec.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.sidechannel.Countermeasure;
import org.dlsec.attack.sidechannel.LeakageModel;
import org.dlsec.attack.sidechannel.SideChannelAttacks;
import org.dlsec.core.DlsecException;

/**
 * Parses one item of the audit's {@code sidechannel:} list into {@link AuditConfig.SideChannelEntry}s, one per
 * countermeasure: the options of {@code dlsec sidechannel} without their dashes ({@code noise} is {@code --noise}'s σ,
 * {@code load} {@code --load}), validated by the same registry ({@link SideChannelAttacks}) at parse time, every error
 * naming the file, the line and the key.
 */
final class SideChannelEntries {
    /** The keys both attacks take. */
    static final List<String> COMMON = List.of("attack", "id", "traces", "defence");
    /** The power attack's own keys. */
    static final List<String> POWER = List.of("noise", "layers", "leakage", "inputs");
    /** The timing attack's own keys. */
    static final List<String> TIMING = List.of("budget", "profiles", "load");

    private SideChannelEntries() {}

    static List<AuditConfig.SideChannelEntry> parse(YamlNode f, long seed) {
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(POWER);
        all.addAll(TIMING);
        f.onlyKeys(all);
        Map<String, YamlNode> m = f.map();
        if (!m.containsKey("attack")) {
            throw f.error("missing 'attack' (" + String.join(" or ", SideChannelAttacks.NAMES) + ")");
        }
        String attack;
        try {
            attack = SideChannelAttacks.canonical(m.get("attack").string());
        } catch (DlsecException e) {
            throw m.get("attack").error(e.getMessage());
        }
        boolean power = attack.equals("power");
        List<String> own = power ? POWER : TIMING;
        for (String k : power ? TIMING : POWER) {
            if (m.containsKey(k)) {
                throw m.get(k).error("'" + k + "' belongs to the " + (power ? "timing" : "power") + " attack; " + attack
                        + " takes " + String.join(", ", own));
            }
        }
        String id = AuditConfig.entryId(m, attack, AuditConfig.ID_MAX - "-random-delay".length());
        int traces = m.containsKey("traces") ? (int) AuditConfig.positive(m.get("traces"), power ? 10_000_000 : 1_000_000)
                : power ? 5000 : 1000;
        double sigma = m.containsKey("noise") ? positiveNumber(m.get("noise")) : 1.0;
        int layers = m.containsKey("layers") ? (int) AuditConfig.nonNegativeInt(m.get("layers")) : 1;
        LeakageModel leakage = LeakageModel.HAMMING_WEIGHT;
        if (m.containsKey("leakage")) {
            try {
                leakage = LeakageModel.parse(m.get("leakage").string());
            } catch (DlsecException e) {
                throw m.get("leakage").error(e.getMessage());
            }
        }
        boolean images = false;
        if (m.containsKey("inputs")) {
            try {
                images = SideChannelAttacks.knownImages(m.get("inputs").string());
            } catch (DlsecException e) {
                throw m.get("inputs").error(e.getMessage());
            }
        }
        double budget = m.containsKey("budget") ? positiveNumber(m.get("budget")) : SideChannelAttacks.defaultBudgetMillis();
        int profiles = m.containsKey("profiles") ? (int) AuditConfig.positive(m.get("profiles"), 100) : 2;
        int load = m.containsKey("load") ? (int) AuditConfig.nonNegativeInt(m.get("load")) : 0;
        if (load > 64) {
            throw m.get("load").error("must be in 0..64 background threads, got " + load);
        }
        List<Countermeasure> defences = defences(m.get("defence"), power);
        List<AuditConfig.SideChannelEntry> out = new ArrayList<>();
        for (Countermeasure c : defences) {
            SideChannelAttacks.Params p = new SideChannelAttacks.Params(traces, sigma, leakage, c, layers,
                    images, budget, load, profiles, 0, seed);
            try {
                SideChannelAttacks.create(attack, p); // the command's validation of the whole combination
            } catch (DlsecException e) {
                throw f.error(e.getMessage());
            }
            out.add(new AuditConfig.SideChannelEntry(c == Countermeasure.NONE ? id : id + "-" + c.cliName(), attack, p));
        }
        return out;
    }

    /**
     * The countermeasures of {@code node} (one name or a list; absent: none alone). The power attack runs once per
     * countermeasure; the timing attack measures the clean trial beside its one countermeasure, so it takes one.
     */
    private static List<Countermeasure> defences(YamlNode node, boolean power) {
        if (node == null) {
            return List.of(Countermeasure.NONE);
        }
        List<YamlNode> items = node.isList() ? node.list() : List.of(node);
        if (items.isEmpty()) {
            throw node.error("an empty list of defences (give none for the unprotected "
                    + (power ? "device" : "server") + ")");
        }
        if (!power && items.size() > 1) {
            throw node.error("the timing attack measures the undefended server beside one defence: give one of"
                    + " constant-time, random-delay or none");
        }
        List<Countermeasure> out = new ArrayList<>();
        for (YamlNode n : items) {
            Countermeasure c;
            try {
                c = Countermeasure.parse(n.string());
            } catch (DlsecException e) {
                throw n.error(e.getMessage());
            }
            if (power ? !c.appliesToPower() : !c.appliesToTiming()) {
                throw n.error(c.cliName() + " is a " + (power ? "timing" : "power") + " defence; the " + (power ? "power"
                        : "timing") + " attack takes " + (power ? "none, shuffle or mask" : "none, constant-time or"
                        + " random-delay"));
            }
            if (out.contains(c)) {
                throw n.error(c.cliName() + " is listed twice");
            }
            out.add(c);
        }
        return out;
    }

    private static double positiveNumber(YamlNode n) {
        double v = n.number();
        if (!(v > 0) || !Double.isFinite(v)) {
            throw n.error("must be a finite number > 0, got " + v);
        }
        return v;
    }
}
