package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.model.Classifier;

/**
 * An AutoAttack-style ensemble (Croce &amp; Hein, ICML 2020): the member attacks run in order, each
 * only on the samples no earlier member has fooled, and every sample reports its worst case — the
 * first successful adversarial example, or the first member's example if none succeeds. Queries and
 * gradients of all members are summed per sample (each member's clean and final predictions
 * included: that is what the model saw).
 */
public final class EnsembleAttack implements EpsilonAttack {
    private final List<EvasionAttack> members;

    /**
     * An ensemble of {@code members}, run in the order given.
     *
     * @param members the attacks, at least one, all targeted or all untargeted; copied
     * @throws org.dlsec.core.DlsecException when the list is empty or mixes targeted and untargeted attacks
     */
    public EnsembleAttack(List<EvasionAttack> members) {
        if (members == null || members.isEmpty()) {
            throw new DlsecException("an ensemble needs at least one attack");
        }
        boolean targeted = members.get(0).targeted();
        for (EvasionAttack a : members) {
            if (a.targeted() != targeted) {
                throw new DlsecException("ensemble members must all be targeted or all untargeted");
            }
        }
        this.members = List.copyOf(members);
    }

    /**
     * The member attacks in the order they run.
     *
     * @return an immutable list
     */
    public List<EvasionAttack> members() {
        return members;
    }

    @Override
    public String name() {
        return "ensemble";
    }

    @Override
    public Knowledge knowledge() {
        // the strongest knowledge any member needs
        return members.stream().map(EvasionAttack::knowledge).min(Enum::compareTo).orElse(Knowledge.WHITE_BOX);
    }

    @Override
    public boolean targeted() {
        return members.get(0).targeted();
    }

    @Override
    public double epsilon() {
        return members.stream().filter(a -> a instanceof EpsilonAttack).mapToDouble(a -> ((EpsilonAttack) a).epsilon())
                .max().orElse(Double.NaN);
    }

    @Override
    public Norm norm() {
        return members.stream().filter(a -> a instanceof EpsilonAttack).map(a -> ((EpsilonAttack) a).norm()).findFirst()
                .orElse(Norm.LINF);
    }

    @Override
    public EnsembleAttack withEpsilon(double epsilon) {
        List<EvasionAttack> m = new ArrayList<>();
        for (EvasionAttack a : members) {
            m.add(a instanceof EpsilonAttack e ? e.withEpsilon(epsilon) : a);
        }
        return new EnsembleAttack(m);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        List<Map<String, Object>> ms = new ArrayList<>();
        for (EvasionAttack a : members) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attack", a.name());
            m.putAll(a.parameters());
            ms.add(m);
        }
        p.put("members", ms);
        return p;
    }

    @Override
    public AttackResult generate(Classifier model, NDArray x, NDArray y, long[] sampleIds) {
        int n = (int) x.getShape().get(0);
        Shape sample = x.getShape().slice(1);
        int d = (int) sample.size();
        AttackResult first = members.get(0).generate(model, x, y, sampleIds);
        float[] adv = first.adversarial().clone();
        int[] advPred = first.adversarialPredictions().clone();
        boolean[] success = first.success().clone();
        boolean[] failed = first.failed().clone();
        double[] l0 = first.l0().clone();
        double[] l2 = first.l2().clone();
        double[] linf = first.linf().clone();
        long[] queries = first.queries().clone();
        long[] gradients = first.gradients().clone();
        double[] seconds = first.seconds().clone();
        List<org.dlsec.core.NumericalIssue> issues = new ArrayList<>(first.numericalIssues());
        float[] xs = x.toFloatArray();
        long[] ys = y.toLongArray();
        for (int k = 1; k < members.size(); k++) {
            List<Integer> left = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean attackable = targeted() || first.cleanPredictions()[i] == first.labels()[i];
                if (!success[i] && attackable) {
                    left.add(i);
                }
            }
            if (left.isEmpty()) {
                break;
            }
            float[] sub = new float[left.size() * d];
            long[] subY = new long[left.size()];
            long[] subIds = new long[left.size()];
            for (int j = 0; j < left.size(); j++) {
                int i = left.get(j);
                System.arraycopy(xs, i * d, sub, j * d, d);
                subY[j] = ys[i];
                subIds[j] = sampleIds[i];
            }
            AttackResult r;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xsub = Tensors.floats(x.getManager(), sub, new Shape(left.size()).addAll(sample));
                NDArray ysub = Tensors.longs(x.getManager(), subY);
                r = members.get(k).generate(model, xsub, ysub, subIds);
            }
            issues.addAll(r.numericalIssues());
            for (int j = 0; j < left.size(); j++) {
                int i = left.get(j);
                queries[i] += r.queries()[j];
                gradients[i] += r.gradients()[j];
                seconds[i] += r.seconds()[j];
                boolean hit = !r.failed()[j] && criterion().isAdversarial(r.adversarialPredictions()[j],
                        targeted() ? ys[i] : first.labels()[i]);
                if (hit) {
                    System.arraycopy(r.adversarial(), j * d, adv, i * d, d);
                    advPred[i] = r.adversarialPredictions()[j];
                    success[i] = true;
                    failed[i] = false;
                    l0[i] = r.l0()[j];
                    l2[i] = r.l2()[j];
                    linf[i] = r.linf()[j];
                }
            }
        }
        return new AttackResult(name(), knowledge(), targeted(), parameters(), first.sampleShape(), sampleIds.clone(),
                first.labels(), first.targets(), first.cleanPredictions(), advPred, success, failed, l0, l2, linf, queries,
                gradients, seconds, adv, issues);
    }
}
