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
        Norm norm();

        double epsilon();

        boolean targeted();
    }

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
