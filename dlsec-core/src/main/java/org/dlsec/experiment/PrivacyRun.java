package org.dlsec.experiment;

import java.util.Arrays;
import java.util.Optional;
import org.dlsec.attack.inference.MembershipAttack;
import org.dlsec.attack.inference.MembershipAttacks;
import org.dlsec.attack.inference.MembershipSplit;
import org.dlsec.attack.inference.MiFace;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelCard;
import org.dlsec.train.TrainingRun;

/**
 * Runs a privacy experiment. Membership inference needs to know which images trained the target: a dlsec model
 * card records it ({@link TrainingRun#trainingIndices}); without a card the caller may assume the whole training
 * split, and the outcome says so.
 */
public final class PrivacyRun {
    private PrivacyRun() {}

    /**
     * Which images of the training split trained the target.
     *
     * @param indices indices into the training split
     * @param placed where that came from, as recorded in the split
     * @param assumed true when no card said it and the whole split was assumed
     */
    public record TrainingImages(int[] indices, String placed, boolean assumed) {}

    /**
     * The target's training images: from {@code card} when there is one (it must record them), else the whole split,
     * marked as assumed.
     *
     * @param card the target's model card, or empty
     * @param train the training split
     * @param model how the target is named in the note
     * @return the training images and where they came from
     * @throws org.dlsec.core.DlsecException when the card does not record its training images
     */
    public static TrainingImages trainingImages(Optional<ModelCard> card, Dataset train, String model) {
        if (!"train".equals(train.split())) {
            throw new DlsecException("membership inference needs the training data apart from other data, but " + model
                    + "'s data " + train.name() + " has no splits: give a folder holding train/ and test/ (or train.csv"
                    + " and test.csv, or train.npz and test.npz)");
        }
        if (card.isPresent()) {
            int[] idx = TrainingRun.trainingIndices(card.get(), train).orElseThrow(() -> new DlsecException(
                    "the model card of " + model + " does not say which training images it used (train it with this"
                            + " version of dlsec)"));
            return new TrainingImages(idx, "from the model card", false);
        }
        int[] all = new int[train.size()];
        Arrays.setAll(all, i -> i);
        return new TrainingImages(all, "assumed: the whole " + train.name() + " training split (not a dlsec model"
                + " directory)", true);
    }

    /**
     * The membership attack of {@code spec} (shadow / reference models trained by {@code trainer}), before it runs.
     *
     * @param spec the experiment
     * @param card the target's card, or empty (shadow architectures follow it when present)
     * @param trainer trains the shadow or reference models
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the attack name or an option is unknown
     */
    public static MembershipAttack attack(PrivacySpec spec, Optional<ModelCard> card, ShadowTrainer trainer) {
        DlsecException.require(!spec.inversion(), "attack", "inversion is not a membership attack");
        return MembershipAttacks.create(spec.attack(), spec.shadows(), card.orElse(null), spec.params(), spec.seed(),
                trainer);
    }

    /**
     * The member/non-member split: members from {@code images}, non-members as the spec says.
     *
     * @param spec the experiment
     * @param train the training split
     * @param images the target's training images
     * @param heldOut the held-out split (non-members when the spec says {@code test})
     * @return the split
     * @throws org.dlsec.core.DlsecException when there are too few members or non-members
     */
    public static MembershipSplit split(PrivacySpec spec, Dataset train, TrainingImages images, Dataset heldOut) {
        return MembershipSplit.of(spec.nonMembers(), train, images.indices(), heldOut, spec.members(), spec.seed());
    }

    /**
     * Membership inference: scores every sample of {@code split} with {@code attack} (from {@link #attack}).
     *
     * @param attack the attack
     * @param model the target; not closed
     * @param split the member/non-member split
     * @param images the target's training images (for the note)
     * @return the scores, ROC and split
     */
    public static PrivacyOutcome membership(MembershipAttack attack, Classifier model, MembershipSplit split,
            TrainingImages images) {
        return new PrivacyOutcome(attack.infer(model, split), split, images.placed());
    }

    /**
     * MI-Face model inversion as {@code spec} configures it: one reconstruction per class (needs gradients).
     *
     * @param spec the experiment
     * @return the inversion attack
     * @throws org.dlsec.core.DlsecException when an option is invalid
     */
    public static MiFace inversion(PrivacySpec spec) {
        DlsecException.require(spec.inversion(), "attack", "is not inversion");
        return MembershipAttacks.inversion(spec.params());
    }
}
