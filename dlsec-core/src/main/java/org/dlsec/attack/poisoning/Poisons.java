package org.dlsec.attack.poisoning;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;

/** The poisoning attacks on a training set: BadNets / blended backdoors, label flipping and noise. */
public final class Poisons {
    private Poisons() {}

    /**
     * BadNets (Gu, Dolan-Gavitt, Garg, "BadNets: Identifying Vulnerabilities in the Machine Learning
     * Model Supply Chain", 2017): a fraction {@code rate} of the training set, drawn among samples not
     * already of class {@code target}, gets the trigger and the label {@code target}. With a blended
     * trigger (α &lt; 1) this is the blended-injection attack of Chen et al. (2017).
     *
     * @param train the clean training set
     * @param trigger the trigger
     * @param target the target class
     * @param rate the poisoned share, in (0, 1)
     * @param seed the draw's seed
     * @return the poisoned set and the changed indices
     * @throws org.dlsec.core.DlsecException when the rate is out of range or too few samples lie outside the target
     */
    public static Poisoned backdoor(Dataset train, TriggerPattern trigger, int target, double rate, long seed) {
        requireRate(rate);
        DlsecException.require(target >= 0 && target < train.numClasses(), "target",
                "must be a class in 0.." + (train.numClasses() - 1) + ", got " + target);
        int[] candidates = IntStream.range(0, train.size()).filter(i -> train.label(i) != target).toArray();
        int n = (int) Math.round(rate * train.size());
        DlsecException.require(n <= candidates.length, "rate", "asks for " + n + " poisons but only " + candidates.length
                + " samples are outside the target class");
        int[] chosen = choose(candidates, n, seed);
        return stamp(train, chosen, trigger, y -> target, String.format("backdoor %s -> class %d on %d samples (seed %d)",
                trigger, target, n, seed));
    }

    /** {@code train} with the trigger stamped on the {@code chosen} samples and their labels y replaced by relabel(y). */
    private static Poisoned stamp(Dataset train, int[] chosen, TriggerPattern trigger,
            java.util.function.IntUnaryOperator relabel, String description) {
        int c = (int) train.sampleShape().get(0);
        int h = (int) train.sampleShape().get(1);
        int w = (int) train.sampleShape().get(2);
        int d = train.sampleSize();
        float[] pixels = new float[train.size() * d];
        int[] labels = train.labels();
        boolean[] hit = new boolean[train.size()];
        for (int i : chosen) {
            hit[i] = true;
        }
        for (int s = 0; s < train.size(); s++) {
            float[] img = train.image(s);
            if (hit[s]) {
                trigger.apply(img, c, h, w);
                labels[s] = relabel.applyAsInt(labels[s]);
            }
            System.arraycopy(img, 0, pixels, s * d, d);
        }
        return new Poisoned(train.withPixels(pixels, labels, description), chosen);
    }

    /**
     * Random label flipping (the baseline availability attack of the surveys; Biggio et al. 2011):
     * a fraction {@code rate} of the labels, drawn at random, replaced by another class drawn
     * uniformly among the rest.
     *
     * @param train the clean training set
     * @param rate the flipped share, in (0, 1)
     * @param seed the draw's seed
     * @return the poisoned set and the changed indices
     * @throws org.dlsec.core.DlsecException when the rate is out of range
     */
    public static Poisoned flipLabels(Dataset train, double rate, long seed) {
        requireRate(rate);
        int n = (int) Math.round(rate * train.size());
        int[] chosen = choose(IntStream.range(0, train.size()).toArray(), n, seed);
        int[] labels = train.labels();
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, 0xF11BL));
        for (int i : chosen) {
            int other = rnd.nextInt(train.numClasses() - 1);
            labels[i] = other >= labels[i] ? other + 1 : other;
        }
        float[] pixels = new float[train.size() * train.sampleSize()];
        for (int s = 0; s < train.size(); s++) {
            System.arraycopy(train.image(s), 0, pixels, s * train.sampleSize(), train.sampleSize());
        }
        return new Poisoned(train.withPixels(pixels, labels, String.format("labels flipped on %d samples (seed %d)", n,
                seed)), chosen);
    }

    /**
     * BadNets all-to-all (Gu, Dolan-Gavitt, Garg 2017, section 4.2.2): a fraction {@code rate} of the
     * training set, drawn at random, gets the trigger and the label (y + 1) mod K, so that the trigger
     * shifts every class to the next one. Success is measured with {@link #allToAllTarget}.
     *
     * @param train the clean training set
     * @param trigger the trigger
     * @param rate the poisoned share, in (0, 1)
     * @param seed the draw's seed
     * @return the poisoned set and the changed indices
     * @throws org.dlsec.core.DlsecException when the rate is out of range
     */
    public static Poisoned backdoorAllToAll(Dataset train, TriggerPattern trigger, double rate, long seed) {
        requireRate(rate);
        int n = (int) Math.round(rate * train.size());
        int[] chosen = choose(IntStream.range(0, train.size()).toArray(), n, seed);
        int k = train.numClasses();
        return stamp(train, chosen, trigger, y -> allToAllTarget(y, k), String.format(
                "all-to-all backdoor %s, y -> y+1 on %d samples (seed %d)", trigger, n, seed));
    }

    /**
     * The class the all-to-all backdoor sends class {@code label} to: (label + 1) mod numClasses.
     *
     * @param label the true class
     * @param numClasses K
     * @return the next class
     */
    public static int allToAllTarget(int label, int numClasses) {
        return (label + 1) % numClasses;
    }

    /**
     * Noise poisoning, the untargeted availability attack measured by the second seed survey: a
     * fraction {@code rate} of the training images, drawn at random, gets additive Gaussian noise of
     * standard deviation {@code sigma} (clipped to [0, 1]); labels are untouched. Each image's noise
     * is drawn from its own seeded stream, so the result does not depend on the order of work.
     *
     * @param train the clean training set
     * @param rate the poisoned share, in (0, 1)
     * @param sigma σ, positive, in [0, 1] pixel units
     * @param seed the draw's seed
     * @return the poisoned set and the changed indices
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public static Poisoned noise(Dataset train, double rate, double sigma, long seed) {
        requireRate(rate);
        DlsecException.require(sigma > 0 && sigma <= 10 && Double.isFinite(sigma), "sigma", "must be in (0, 10], got " + sigma);
        int n = (int) Math.round(rate * train.size());
        int[] chosen = choose(IntStream.range(0, train.size()).toArray(), n, seed);
        boolean[] hit = new boolean[train.size()];
        for (int i : chosen) {
            hit[i] = true;
        }
        int d = train.sampleSize();
        float[] pixels = new float[train.size() * d];
        for (int s = 0; s < train.size(); s++) {
            float[] img = train.image(s);
            if (hit[s]) {
                java.util.Random rnd = new java.util.Random(Seeds.mix(seed, 0x4E015EL + s));
                for (int k = 0; k < d; k++) {
                    img[k] = (float) Math.min(1, Math.max(0, img[k] + sigma * rnd.nextGaussian()));
                }
            }
            System.arraycopy(img, 0, pixels, s * d, d);
        }
        return new Poisoned(train.withPixels(pixels, train.labels(), String.format("Gaussian noise sigma %s on %d samples"
                + " (seed %d)", sigma, n, seed)), chosen);
    }

    private static void requireRate(double rate) {
        DlsecException.require(rate > 0 && rate < 1, "rate", "must be in (0, 1), got " + rate);
    }

    private static int[] choose(int[] from, int n, long seed) {
        int[] perm = Dataset.permutation(from.length, new java.util.Random(Seeds.mix(seed, 0xBAD5L)));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = from[perm[i]];
        }
        Arrays.sort(out);
        return out;
    }
}
