package org.dlsec.attack.inference;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;

/**
 * The label-free threshold attacks of Salem, Zhang, Humbert, Berrang, Fritz and Backes ("ML-Leaks:
 * Model and Data Independent Membership Inference Attacks and Defenses on Machine Learning Models",
 * NDSS 2019, adversary 3): a model is more confident on its training samples, so the highest
 * posterior ({@code confidence}) or the negative entropy of the posterior ({@code entropy}) is the
 * membership score. Neither needs the true label or a shadow model; every threshold is swept into the ROC.
 */
public final class SalemThreshold implements MembershipAttack {
    /** Which statistic of the posterior is thresholded. */
    public enum Statistic {
        /** The highest posterior probability. */
        CONFIDENCE,
        /** The negative entropy of the posterior. */
        ENTROPY
    }

    private final Statistic statistic;

    /**
     * The attack on {@code statistic}.
     *
     * @param statistic confidence or entropy
     * @throws org.dlsec.core.DlsecException when {@code statistic} is null
     */
    public SalemThreshold(Statistic statistic) {
        DlsecException.require(statistic != null, "statistic", "must be confidence or entropy");
        this.statistic = statistic;
    }

    @Override
    public String name() {
        return statistic.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Map<String, Object> parameters() {
        return new LinkedHashMap<>();
    }

    @Override
    public MembershipResult infer(Classifier target, MembershipSplit split) {
        return Outputs.scoreEach(this, target, split,
                (z, label) -> statistic == Statistic.CONFIDENCE ? maxLogProb(z) : negativeEntropy(z));
    }

    /** log of the highest probability (monotone in it; keeps resolution when it is close to 1). */
    static double maxLogProb(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        return max - Outputs.logSumExp(z, -1);
    }

    /** Σ p log p (the negative Shannon entropy in nats), computed from log-probabilities. */
    static double negativeEntropy(double[] z) {
        double lse = Outputs.logSumExp(z, -1);
        double s = 0;
        for (double v : z) {
            double lp = v - lse;
            s += Math.exp(lp) * lp;
        }
        return s;
    }
}
