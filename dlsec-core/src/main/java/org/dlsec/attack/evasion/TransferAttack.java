package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;

/**
 * Transfer attack (Papernot, McDaniel, Goodfellow, "Transferability in Machine Learning", 2016;
 * Szegedy et al. 2014): adversarial examples are crafted with any attack against a substitute
 * model the attacker owns, then sent to the target, which is queried only to classify them. The
 * target's queries are counted as usual (clean and final prediction); the substitute's cost is in
 * {@code parameters()}.
 *
 * <p>{@link #of} keeps the inner attack's kind: an ε-bounded attack gives an {@link EpsilonAttack} (each budget
 * crafts anew on the substitute), a minimal-perturbation attack a {@link MinimalPerturbationAttack} (one run, each
 * budget read from the distances found), so {@link EvasionRunner#sweep} needs no special case for transfer.
 */
public class TransferAttack implements EvasionAttack {
    private final EvasionAttack inner;
    private final Classifier substitute;

    private TransferAttack(EvasionAttack inner, Classifier substitute) {
        if (inner instanceof TransferAttack) {
            throw new DlsecException("a transfer attack cannot wrap another transfer attack");
        }
        this.inner = inner;
        this.substitute = java.util.Objects.requireNonNull(substitute, "substitute");
    }

    /**
     * {@code inner} crafted on {@code substitute} and sent to the target, of the same kind as {@code inner}.
     *
     * @param inner the attack to craft with; not itself a transfer attack
     * @param substitute a white-box model the attacker owns; not closed by the attack
     * @return an attack that is an {@link EpsilonAttack} or a {@link MinimalPerturbationAttack} when {@code inner} is
     * @throws org.dlsec.core.DlsecException when {@code inner} is a transfer attack
     */
    public static TransferAttack of(EvasionAttack inner, Classifier substitute) {
        if (inner instanceof EpsilonAttack e) {
            return new Bounded(e, substitute);
        }
        if (inner instanceof MinimalPerturbationAttack m) {
            return new Minimal(m, substitute);
        }
        return new TransferAttack(inner, substitute);
    }

    /** An ε-bounded attack transferred: its budget is the inner attack's. */
    private static final class Bounded extends TransferAttack implements EpsilonAttack {
        private final EpsilonAttack bounded;

        Bounded(EpsilonAttack inner, Classifier substitute) {
            super(inner, substitute);
            this.bounded = inner;
        }

        @Override
        public double epsilon() {
            return bounded.epsilon();
        }

        @Override
        public Norm norm() {
            return bounded.norm();
        }

        @Override
        public EpsilonAttack withEpsilon(double epsilon) {
            return new Bounded(bounded.withEpsilon(epsilon), ((TransferAttack) this).substitute);
        }
    }

    /** A minimal-perturbation attack transferred: the distances are those of the examples sent to the target. */
    private static final class Minimal extends TransferAttack implements MinimalPerturbationAttack {
        private final Norm norm;

        Minimal(MinimalPerturbationAttack inner, Classifier substitute) {
            super(inner, substitute);
            this.norm = inner.distanceNorm();
        }

        @Override
        public Norm distanceNorm() {
            return norm;
        }
    }

    @Override
    public String name() {
        return "transfer-" + inner.name();
    }

    @Override
    public Knowledge knowledge() {
        return Knowledge.TRANSFER;
    }

    @Override
    public boolean targeted() {
        return inner.targeted();
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>(inner.parameters());
        m.put("craftedWith", inner.name());
        m.put("substitute", substitute.info().describe());
        m.put("substituteSha256", substitute.info().sha256());
        return m;
    }

    @Override
    public AttackResult generate(Classifier target, NDArray x, NDArray y, long[] sampleIds) {
        if (!target.inputShape().equals(substitute.inputShape()) || target.numClasses() != substitute.numClasses()) {
            throw new DlsecException("the substitute takes " + substitute.inputShape() + " with " + substitute.numClasses()
                    + " classes, the target " + target.inputShape() + " with " + target.numClasses());
        }
        long start = System.nanoTime();
        AttackResult crafted = inner.generate(substitute, x, y, sampleIds);
        Replay replay = new Replay(crafted);
        AttackResult onTarget = replay.generate(target, x, y, sampleIds);
        double secs = (System.nanoTime() - start) / 1e9;
        double[] seconds = new double[onTarget.size()];
        java.util.Arrays.fill(seconds, secs / onTarget.size());
        return new AttackResult(name(), Knowledge.TRANSFER, targeted(), parameters(), onTarget.sampleShape(),
                onTarget.sampleIds(), onTarget.labels(), onTarget.targets(), onTarget.cleanPredictions(),
                onTarget.adversarialPredictions(), onTarget.success(), onTarget.failed(), onTarget.l0(), onTarget.l2(),
                onTarget.linf(), onTarget.queries(), onTarget.gradients(), seconds, onTarget.adversarial(),
                crafted.numericalIssues());
    }

    /** Sends already-crafted examples to a model: no query beyond the template's own two per sample. */
    private final class Replay extends AbstractEvasionAttack {
        private final AttackResult crafted;

        Replay(AttackResult crafted) {
            this.crafted = crafted;
        }

        @Override
        public String name() {
            return TransferAttack.this.name();
        }

        @Override
        public Knowledge knowledge() {
            return Knowledge.TRANSFER;
        }

        @Override
        public boolean targeted() {
            return TransferAttack.this.targeted();
        }

        @Override
        public Map<String, Object> parameters() {
            return TransferAttack.this.parameters();
        }

        @Override
        protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
            NDArray adv = org.dlsec.core.Tensors.floats(x.getManager(), crafted.adversarial(), x.getShape());
            return new Crafted(adv, new long[ids.length], new long[ids.length]);
        }
    }
}
