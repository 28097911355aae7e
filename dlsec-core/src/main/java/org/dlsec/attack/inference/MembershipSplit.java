package org.dlsec.attack.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;

/**
 * The audit set of a membership inference experiment and the attacker's own data.
 *
 * <p>{@link #audit()} holds {@code members} samples drawn from the target's training set followed by
 * as many non-members drawn from data the target never saw; {@link #member()} says which is which.
 * {@link #population()} is data from the same distribution that is neither a member of the target nor
 * in the audit set, for shadow and reference models. {@link #record()} says exactly which images were
 * chosen (indices into the named splits), so a result can be reproduced and checked.
 *
 * @param audit members first, then non-members
 * @param member true for the first {@code members} samples of {@code audit}
 * @param population the attacker's auxiliary data (disjoint from the target's training set and the audit set)
 * @param targetTrainSize how many samples trained the target (shadow models train on as many)
 * @param record which indices of which split went where, and the seed
 */
public record MembershipSplit(Dataset audit, boolean[] member, Dataset population, int targetTrainSize,
        Map<String, Object> record) {

    /**
     * Checks the flags and copies them and the record.
     *
     * @param audit members first, then non-members
     * @param member true for the first {@code members} samples of {@code audit}
     * @param population the attacker's auxiliary data (disjoint from the target's training set and the audit set)
     * @param targetTrainSize how many samples trained the target (shadow models train on as many)
     * @param record which indices of which split went where, and the seed
     * @throws org.dlsec.core.DlsecException when there is not one flag per audit sample or {@code targetTrainSize} is not positive
     */
    public MembershipSplit {
        DlsecException.require(audit.size() == member.length, "member", member.length + " flags for "
                + audit.size() + " audit samples");
        DlsecException.require(targetTrainSize > 0, "targetTrainSize", "must be positive, got " + targetTrainSize);
        member = member.clone();
        record = Map.copyOf(record);
    }

    /**
     * The number of members in the audit set.
     *
     * @return the count
     */
    public int members() {
        int n = 0;
        for (boolean b : member) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /**
     * The number of non-members in the audit set.
     *
     * @return the count
     */
    public int nonMembers() {
        return member.length - members();
    }

    /**
     * Draws the split.
     *
     * @param trainSplit the dataset split the target was trained on (e.g. all of MNIST train)
     * @param targetIndices the indices of {@code trainSplit} that trained the target
     * @param heldOut a split the target never saw (e.g. MNIST test)
     * @param n members to draw (and as many non-members)
     * @param seed seed of both draws
     * @return the split
     * @throws org.dlsec.core.DlsecException when {@code n} is not positive or exceeds what the splits hold
     */
    public static MembershipSplit build(Dataset trainSplit, int[] targetIndices, Dataset heldOut, int n, long seed) {
        DlsecException.require(n >= 1, "members", "must be positive, got " + n);
        DlsecException.require(n <= targetIndices.length, "members", "asks for " + n + " members but the target was trained on "
                + targetIndices.length + " samples");
        DlsecException.require(n <= heldOut.size(), "members", "asks for " + n + " non-members but " + heldOut.name() + "/"
                + heldOut.split() + " has " + heldOut.size() + " samples");
        Random rnd = new Random(seed);
        int[] memberPerm = Dataset.permutation(targetIndices.length, rnd);
        int[] members = new int[n];
        for (int i = 0; i < n; i++) {
            members[i] = targetIndices[memberPerm[i]];
        }
        int[] nonMembers = Arrays.copyOf(Dataset.permutation(heldOut.size(), rnd), n);
        boolean[] inTarget = new boolean[trainSplit.size()];
        for (int i : targetIndices) {
            DlsecException.require(i >= 0 && i < trainSplit.size(), "target indices", "index " + i + " outside the split");
            inTarget[i] = true;
        }
        boolean[] audited = new boolean[heldOut.size()];
        for (int i : nonMembers) {
            audited[i] = true;
        }
        Dataset audit = concat(trainSplit.subset(members, "membership audit: " + n + " members seed " + seed),
                heldOut.subset(nonMembers, "membership audit: " + n + " non-members seed " + seed));
        boolean[] flags = new boolean[2 * n];
        Arrays.fill(flags, 0, n, true);
        int[] popTrain = IntStream.range(0, trainSplit.size()).filter(i -> !inTarget[i]).toArray();
        int[] popHeld = IntStream.range(0, heldOut.size()).filter(i -> !audited[i]).toArray();
        Dataset population = popTrain.length == 0
                ? heldOut.subset(popHeld, "population: held-out samples outside the audit set")
                : concat(trainSplit.subset(popTrain, "population: samples that did not train the target"),
                        heldOut.subset(popHeld, "population: held-out samples outside the audit set"));
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("seed", seed);
        rec.put("memberSplit", trainSplit.split());
        rec.put("memberIndices", members);
        rec.put("nonMemberSplit", heldOut.split());
        rec.put("nonMemberIndices", nonMembers);
        rec.put("targetTrainSize", targetIndices.length);
        rec.put("populationSize", population.size());
        return new MembershipSplit(audit, flags, population, targetIndices.length, rec);
    }

    /**
     * The split with non-members drawn from {@code nonMembers}: {@code "test"} (from {@code heldOut},
     * see {@link #build}) or {@code "train"} (training images that did not train the target, see
     * {@link #buildWithinTrain}).
     *
     * @param nonMembers {@code test} or {@code train}
     * @param trainSplit the split the target was trained on
     * @param targetIndices the indices of {@code trainSplit} that trained the target
     * @param heldOut the held-out split
     * @param n members to draw (and as many non-members)
     * @param seed seed of the draws
     * @return the split
     * @throws org.dlsec.core.DlsecException when the source is unknown or the splits are too small
     */
    public static MembershipSplit of(String nonMembers, Dataset trainSplit, int[] targetIndices, Dataset heldOut, int n,
            long seed) {
        return switch (nonMembers) {
            case "test" -> build(trainSplit, targetIndices, heldOut, n, seed);
            case "train" -> buildWithinTrain(trainSplit, targetIndices, heldOut, n, seed);
            default -> throw new DlsecException("non-members must come from test or train, got '" + org.dlsec.core.Text.echo(nonMembers) + "'");
        };
    }

    /**
     * Draws the split with non-members from the same split as the members: training images that did
     * not train the target (so that a shift between a dataset's train and test splits cannot pass for
     * leakage). The population is the rest of those images plus all of {@code testSplit}.
     *
     * @param trainSplit the split the target was trained on
     * @param targetIndices the indices of {@code trainSplit} that trained the target
     * @param testSplit the held-out split, added to the population
     * @param n members to draw (and as many non-members)
     * @param seed seed of the draws
     * @return the split
     * @throws org.dlsec.core.DlsecException when too few training images are left
     */
    public static MembershipSplit buildWithinTrain(Dataset trainSplit, int[] targetIndices, Dataset testSplit, int n,
            long seed) {
        boolean[] inTarget = new boolean[trainSplit.size()];
        for (int i : targetIndices) {
            DlsecException.require(i >= 0 && i < trainSplit.size(), "target indices", "index " + i + " outside the split");
            inTarget[i] = true;
        }
        int[] unused = IntStream.range(0, trainSplit.size()).filter(i -> !inTarget[i]).toArray();
        DlsecException.require(unused.length >= n, "members", "non-members from the training split need " + n
                + " images that did not train the target, but only " + unused.length + " are left (use non-members"
                + " from the test split)");
        Random rnd = new Random(seed);
        int[] memberPerm = Dataset.permutation(targetIndices.length, rnd);
        DlsecException.require(n >= 1 && n <= targetIndices.length, "members", "must be in 1.." + targetIndices.length
                + ", got " + n);
        int[] members = new int[n];
        for (int i = 0; i < n; i++) {
            members[i] = targetIndices[memberPerm[i]];
        }
        int[] perm = Dataset.permutation(unused.length, rnd);
        int[] nonMembers = new int[n];
        for (int i = 0; i < n; i++) {
            nonMembers[i] = unused[perm[i]];
        }
        int[] rest = new int[unused.length - n];
        for (int i = n; i < unused.length; i++) {
            rest[i - n] = unused[perm[i]];
        }
        Dataset audit = concat(trainSplit.subset(members, "membership audit: " + n + " members seed " + seed),
                trainSplit.subset(nonMembers, "membership audit: " + n + " non-members (unused training images) seed " + seed));
        boolean[] flags = new boolean[2 * n];
        Arrays.fill(flags, 0, n, true);
        Arrays.sort(rest);
        Dataset population = rest.length == 0 ? testSplit
                : concat(trainSplit.subset(rest, "population: unused training images outside the audit set"), testSplit);
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("seed", seed);
        rec.put("memberSplit", trainSplit.split());
        rec.put("memberIndices", members);
        rec.put("nonMemberSplit", trainSplit.split());
        rec.put("nonMemberIndices", nonMembers);
        rec.put("targetTrainSize", targetIndices.length);
        rec.put("populationSize", population.size());
        return new MembershipSplit(audit, flags, population, targetIndices.length, rec);
    }

    /** Two datasets of the same kind, one after the other. */
    static Dataset concat(Dataset a, Dataset b) {
        DlsecException.require(a.sampleShape().equals(b.sampleShape()) && a.numClasses() == b.numClasses(), "datasets",
                "cannot join " + a + " and " + b);
        int d = a.sampleSize();
        float[] px = new float[(a.size() + b.size()) * d];
        int[] lb = new int[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            System.arraycopy(a.image(i), 0, px, i * d, d);
            lb[i] = a.label(i);
        }
        for (int i = 0; i < b.size(); i++) {
            System.arraycopy(b.image(i), 0, px, (a.size() + i) * d, d);
            lb[a.size() + i] = b.label(i);
        }
        Dataset joined = new Dataset(a.name(), a.split() + "+" + b.split(), a.sampleShape(), a.numClasses(), px, lb, null,
                a.classNames(), "(" + a.origin() + ") + (" + b.origin() + ")", a.bounds());
        return a.featureNames().isEmpty() ? joined : joined.withFeatureNames(a.featureNames());
    }
}
