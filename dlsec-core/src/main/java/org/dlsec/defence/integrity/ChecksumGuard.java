package org.dlsec.defence.integrity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.attack.fault.QuantizedTensor;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;

/**
 * Weight-integrity checking after RADAR (Li, Rakin, He, Fan, Chakrabarti, DAC 2021). The int8 codes
 * of each layer are split into interleaved groups — weight i of a layer with m groups belongs to
 * group i mod m, so a group spans the whole tensor and the weights an attacker targets rarely share
 * one — and each group gets a signature of its masked sum S = Σ k_i·c_i, where k_i = ±1 is drawn
 * from a secret key (so an attacker cannot pick flips that cancel). The golden signatures are taken
 * from the clean model; at run time they are recomputed, and every group whose signature differs is
 * reported and recovered.
 *
 * <p>Two recoveries: {@link Recovery#ZERO} sets every code of a flagged group to 0, RADAR's own
 * recovery, which needs no storage beyond the signatures and works when the attacked network is
 * redundant enough to lose whole groups; {@link Recovery#RELOAD} rewrites the flagged groups from a
 * trusted copy of the codes taken with the golden signatures (what a deployed system with the
 * weights in read-only or signed storage does), which costs a copy of the weights and restores
 * every detected flip exactly.
 *
 * <p>{@link Signature#RADAR_2BIT} keeps two bits of S, bits 7 and 8: a sign-bit flip changes a code by
 * ±128 and so always toggles bit 7, and two such flips in one group either cancel (undetected) or
 * change S by ±256 and toggle bit 8. Flips of lower bits are caught only when they carry into bit 7.
 * {@link Signature#FULL} keeps all 32 bits of S and detects any single flipped bit.
 */
public final class ChecksumGuard {
    /** Bits kept of the masked group sum. */
    public enum Signature {
        /**
         * RADAR's two bits (bits 7 and 8 of the masked sum).
         */
        RADAR_2BIT("radar2"),
        /**
         * All 32 bits of the masked sum.
         */
        FULL("full");

        private final String cliName;

        Signature(String cliName) {
            this.cliName = cliName;
        }

        /**
         * The name on the command line.
         *
         * @return {@code radar2} or {@code full}
         */
        public String cliName() {
            return cliName;
        }

        int of(int sum) {
            return this == RADAR_2BIT ? (sum >> 7) & 3 : sum;
        }

        /**
         * Reads a signature's name.
         *
         * @param s {@code radar2} or {@code full}; case and blanks ignored
         * @return the signature
         * @throws org.dlsec.core.DlsecException when the name is unknown
         */
        public static Signature parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            for (Signature g : values()) {
                if (g.cliName.equals(n)) {
                    return g;
                }
            }
            throw new DlsecException("unknown checksum signature '" + org.dlsec.core.Text.echo(s) + "': expected radar2 or full");
        }
    }

    /** What happens to a flagged group. */
    public enum Recovery {
        /** Zero every code of the group (RADAR). */
        ZERO("zero"),
        /** Rewrite the group's codes from the trusted copy. */
        RELOAD("reload");

        private final String cliName;

        Recovery(String cliName) {
            this.cliName = cliName;
        }

        /**
         * The name on the command line.
         *
         * @return {@code zero} or {@code reload}
         */
        public String cliName() {
            return cliName;
        }

        /**
         * Reads a recovery's name.
         *
         * @param s {@code zero} or {@code reload}; case and blanks ignored
         * @return the recovery
         * @throws org.dlsec.core.DlsecException when the name is unknown
         */
        public static Recovery parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            for (Recovery r : values()) {
                if (r.cliName.equals(n)) {
                    return r;
                }
            }
            throw new DlsecException("unknown recovery '" + org.dlsec.core.Text.echo(s) + "': expected zero or reload");
        }
    }

    /** One corrupted group: layer, group number and the weights it holds. */
    public record Group(int layer, int group) {}

    /** The groups whose signature did not match, and how many codes recovery rewrote. */
    public record Report(int groupsChecked, List<Group> flagged, int recoveredWeights) {
        /**
         * Whether group {@code group} of layer {@code layer} was flagged.
         *
         * @param layer the layer's index
         * @param group the group's index within the layer
         * @return true when flagged
         */
        public boolean contains(int layer, int group) {
            return flagged.contains(new Group(layer, group));
        }
    }

    private final int groupSize;
    private final long key;
    private final Signature signature;
    private final int[] groups;
    private final int[][] golden;
    private final Recovery recovery;
    private final byte[][] trusted;

    private ChecksumGuard(QuantizedModel model, int groupSize, long key, Signature signature, Recovery recovery) {
        this.groupSize = groupSize;
        this.key = key;
        this.signature = signature;
        this.recovery = recovery;
        this.groups = new int[model.layers()];
        this.golden = new int[model.layers()][];
        this.trusted = recovery == Recovery.RELOAD ? model.codes() : null;
        for (int l = 0; l < model.layers(); l++) {
            QuantizedTensor t = model.tensor(l);
            groups[l] = (t.size() + groupSize - 1) / groupSize;
            golden[l] = signatures(l, t);
        }
    }

    /**
     * Takes the golden signatures of {@code model}'s current (clean) codes.
     *
     * @param model the int8 model in its trusted state
     * @param groupSize weights per group (RADAR uses 512 on ImageNet models; small nets need smaller groups)
     * @param key       the secret from which the ±1 masks are derived
     * @param signature the bits kept per group
     * @return the guard, recovering by zeroing (RADAR)
     * @throws org.dlsec.core.DlsecException when {@code groupSize} is below 1
     */
    public static ChecksumGuard protect(QuantizedModel model, int groupSize, long key, Signature signature) {
        return protect(model, groupSize, key, signature, Recovery.ZERO);
    }

    /**
     * As {@link #protect(QuantizedModel, int, long, Signature)}, with the given recovery.
     *
     * @param model the int8 model in its trusted state
     * @param groupSize weights per group, at least 1
     * @param key the secret from which the ±1 masks are derived
     * @param signature the bits kept per group
     * @param recovery what happens to a flagged group
     * @return the guard
     * @throws org.dlsec.core.DlsecException when {@code groupSize} is below 1
     */
    public static ChecksumGuard protect(QuantizedModel model, int groupSize, long key, Signature signature,
            Recovery recovery) {
        DlsecException.require(groupSize >= 1, "group size", "must be at least 1, got " + groupSize);
        DlsecException.require(recovery != null, "recovery", "must be zero or reload");
        return new ChecksumGuard(model, groupSize, key, signature, recovery);
    }

    /**
     * What happens to a flagged group.
     *
     * @return zero or reload
     */
    public Recovery recovery() {
        return recovery;
    }

    /**
     * Weights per group.
     *
     * @return the group size
     */
    public int groupSize() {
        return groupSize;
    }

    /**
     * The bits kept per group.
     *
     * @return the signature kind
     */
    public Signature signature() {
        return signature;
    }

    /**
     * The group of weight {@code index} of layer {@code layer}.
     *
     * @param layer the layer's index
     * @param index the weight's flat index within the layer
     * @return the group's index within the layer
     */
    public int groupOf(int layer, int index) {
        return index % groups[layer];
    }

    /**
     * Golden signatures stored, i.e. the storage overhead in signatures.
     *
     * @return the number of groups over all layers
     */
    public int totalGroups() {
        int n = 0;
        for (int g : groups) {
            n += g;
        }
        return n;
    }

    private int[] signatures(int layer, QuantizedTensor t) {
        int m = groups[layer];
        int[] sums = new int[m];
        for (int i = 0; i < t.size(); i++) {
            int mask = (Seeds.mix(key, ((long) layer << 32) | i) & 1) == 0 ? 1 : -1;
            sums[i % m] += mask * t.code(i);
        }
        int[] sig = new int[m];
        for (int g = 0; g < m; g++) {
            sig[g] = signature.of(sums[g]);
        }
        return sig;
    }

    /**
     * Recomputes every signature and reports the groups that differ from the golden ones.
     *
     * @param model the model to check (its current codes); not changed
     * @return the flagged groups; recovery counts 0
     */
    public Report check(QuantizedModel model) {
        requireSameModel(model);
        List<Group> flagged = new ArrayList<>();
        int checked = 0;
        for (int l = 0; l < model.layers(); l++) {
            int[] now = signatures(l, model.tensor(l));
            checked += now.length;
            for (int g = 0; g < now.length; g++) {
                if (now[g] != golden[l][g]) {
                    flagged.add(new Group(l, g));
                }
            }
        }
        return new Report(checked, Collections.unmodifiableList(flagged), 0);
    }

    /**
     * Checks, then recovers every code of every flagged group (zeroed or reloaded) and updates the model.
     *
     * @param model the model to check and repair; its codes and weights are changed in place
     * @return the flagged groups and the number of codes rewritten
     */
    public Report checkAndRecover(QuantizedModel model) {
        Report r = check(model);
        int recovered = 0;
        Map<Integer, List<Integer>> byLayer = new LinkedHashMap<>();
        for (Group g : r.flagged()) {
            byLayer.computeIfAbsent(g.layer(), k -> new ArrayList<>()).add(g.group());
        }
        for (Map.Entry<Integer, List<Integer>> e : byLayer.entrySet()) {
            int l = e.getKey();
            QuantizedTensor t = model.tensor(l);
            for (int g : e.getValue()) {
                for (int i = g; i < t.size(); i += groups[l]) {
                    t.setCode(i, recovery == Recovery.RELOAD ? trusted[l][i] : 0);
                    recovered++;
                }
            }
            model.sync(l);
        }
        return new Report(r.groupsChecked(), r.flagged(), recovered);
    }

    private void requireSameModel(QuantizedModel model) {
        if (model.layers() != golden.length) {
            throw new DlsecException("the checksums were taken on a model with " + golden.length + " layers, not "
                    + model.layers());
        }
        for (int l = 0; l < golden.length; l++) {
            if ((model.tensor(l).size() + groupSize - 1) / groupSize != groups[l]) {
                throw new DlsecException("layer " + l + " changed size since the checksums were taken");
            }
        }
    }
}
