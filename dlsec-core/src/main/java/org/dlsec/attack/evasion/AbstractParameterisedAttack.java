package org.dlsec.attack.evasion;

/**
 * The base of every attack built from a validated parameter record: the record is given once, to the constructor,
 * and kept here with its accessor, instead of a field and an accessor per attack. Subclasses implement the algorithm
 * and {@link #parameters()} (usually {@link ParameterMap} over the record).
 *
 * @param <P> the attack's validated parameter record
 */
public abstract class AbstractParameterisedAttack<P> extends AbstractEvasionAttack {
    /** The attack's parameters. */
    protected final P p;

    /**
     * @param name the attack's name, e.g. {@code square}
     * @param knowledge what the attack needs from the model
     * @param params the validated parameter record; not null
     * @throws NullPointerException when {@code params} is null
     */
    protected AbstractParameterisedAttack(String name, Knowledge knowledge, P params) {
        super(name, knowledge);
        this.p = java.util.Objects.requireNonNull(params, "params");
    }

    /**
     * The validated parameter record.
     *
     * @return the record the attack was built with
     */
    public P params() {
        return p;
    }
}
