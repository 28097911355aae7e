package org.dlsec.attack.evasion;

/**
 * The base of the attacks bounded by a budget ε: the name, the adversary's knowledge and the budget
 * (norm, ε, targeted) are given once, by the constructor and the parameter record, instead of by an
 * accessor per attack. Subclasses implement the algorithm ({@link #craft}), {@link #withEpsilon} and
 * {@link #parameters()}.
 *
 * @param <P> the attack's validated parameter record
 */
public abstract class AbstractEpsilonAttack<P extends AbstractEpsilonAttack.Budget> extends AbstractParameterisedAttack<P>
        implements EpsilonAttack {
    /** The budget part of an ε-bounded attack's parameter record (its components of these names). */
    public interface Budget {
        /**
         * The norm of the budget.
         *
         * @return linf or l2 (l0 for attacks that support it)
         */
        Norm norm();

        /**
         * The budget ε in the data's units.
         *
         * @return ε, at least 0
         */
        double epsilon();

        /**
         * Whether the attack is targeted.
         *
         * @return true for a targeted attack
         */
        boolean targeted();
    }

    /**
     * @param name the attack's name, e.g. {@code pgd}
     * @param knowledge what the attack needs from the model
     * @param params the validated parameter record; not null
     * @throws NullPointerException when {@code params} is null
     */
    protected AbstractEpsilonAttack(String name, Knowledge knowledge, P params) {
        super(name, knowledge, params);
    }

    @Override
    public boolean targeted() {
        return p.targeted();
    }

    @Override
    public double epsilon() {
        return p.epsilon();
    }

    @Override
    public Norm norm() {
        return p.norm();
    }
}
