package org.dlsec.attack.evasion;

/** What the attacker needs from the model: the surveys' knowledge axis. */
public enum Knowledge {
    /** Gradients (white box). */
    WHITE_BOX("white-box"),
    /** Output scores or probabilities only. */
    SCORE_BASED("score-based"),
    /** The top-1 label only. */
    DECISION_BASED("label-only"),
    /** No access to the target while crafting: a substitute model is attacked instead. */
    TRANSFER("transfer");

    private final String label;

    Knowledge(String label) {
        this.label = label;
    }

    /**
     * The label used in results and reports.
     *
     * @return e.g. {@code white-box}
     */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
