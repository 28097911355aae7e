package org.dlsec.attack.evasion;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;

/**
 * What a user asked for, by name and options, before it becomes an {@link EvasionAttack}: the CLI's
 * and the audit config's common language. Attack-specific knobs go in {@code extra} (e.g.
 * {@code confidence=0} for C&amp;W); {@link #extraDouble} and friends read them with validation.
 *
 * @param name attack name (see {@link EvasionAttacks#NAMES})
 * @param epsilon budget for ε-bounded attacks (the first of a list; the runner sweeps the rest)
 * @param norm linf or l2 where the attack supports both
 * @param steps iterations (null: the attack's default)
 * @param stepSize absolute step size (null: the attack's default schedule)
 * @param restarts random restarts (null: 1)
 * @param targeted targeted mode
 * @param maxQueries query budget per sample for black-box attacks (null: the attack's default)
 * @param seed seed of all randomness
 * @param extra attack-specific options
 */
public record AttackSpec(String name, double epsilon, Norm norm, Integer steps, Double stepSize, Integer restarts,
        boolean targeted, Integer maxQueries, long seed, Map<String, String> extra) {

    /**
     * Normalises the name (trimmed, lower case) and the norm (null means linf) and checks every option.
     *
     * @param name attack name (see {@link EvasionAttacks#NAMES})
     * @param epsilon budget for ε-bounded attacks (the first of a list; the runner sweeps the rest)
     * @param norm linf or l2 where the attack supports both
     * @param steps iterations (null: the attack's default)
     * @param stepSize absolute step size (null: the attack's default schedule)
     * @param restarts random restarts (null: 1)
     * @param targeted targeted mode
     * @param maxQueries query budget per sample for black-box attacks (null: the attack's default)
     * @param seed seed of all randomness
     * @param extra attack-specific options
     * @throws org.dlsec.core.DlsecException when ε is negative, not finite or beyond float range, or steps, step
     *         size, restarts or max queries is given and not positive; the message names the option
     */
    public AttackSpec {
        name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        norm = norm == null ? Norm.LINF : norm;
        DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
        // ε becomes a float in the tensors: 1e39 would overflow to infinity there
        DlsecException.require(epsilon <= Float.MAX_VALUE, "eps", "must fit a 32-bit float (at most about 3.4e38), got "
                + epsilon);
        DlsecException.require(steps == null || steps >= 1, "steps", "must be >= 1, got " + steps);
        DlsecException.require(stepSize == null || (stepSize > 0 && stepSize <= Float.MAX_VALUE), "step size",
                "must be > 0 and fit a 32-bit float, got " + stepSize);
        DlsecException.require(restarts == null || restarts >= 1, "restarts", "must be >= 1, got " + restarts);
        DlsecException.require(maxQueries == null || maxQueries >= 1, "max queries", "must be >= 1, got " + maxQueries);
        extra = extra == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(extra));
    }

    /**
     * A spec with only a name and a budget: linf, the attack's defaults, untargeted, seed 0.
     *
     * @param name the attack's name, e.g. {@code pgd}
     * @param eps the budget ε, at least 0
     * @return the spec
     * @throws org.dlsec.core.DlsecException when {@code eps} is invalid
     */
    public static AttackSpec of(String name, double eps) {
        return new AttackSpec(name, eps, Norm.LINF, null, null, null, false, null, 0, Map.of());
    }

    /**
     * The number of steps asked for, or the attack's default.
     *
     * @param dflt the attack's default
     * @return {@code steps} if given, else {@code dflt}
     */
    public int stepsOr(int dflt) {
        return steps == null ? dflt : steps;
    }

    /**
     * The number of restarts asked for, or the attack's default.
     *
     * @param dflt the attack's default
     * @return {@code restarts} if given, else {@code dflt}
     */
    public int restartsOr(int dflt) {
        return restarts == null ? dflt : restarts;
    }

    /**
     * The query budget per sample asked for, or the attack's default.
     *
     * @param dflt the attack's default
     * @return {@code maxQueries} if given, else {@code dflt}
     */
    public int maxQueriesOr(int dflt) {
        return maxQueries == null ? dflt : maxQueries;
    }

    /**
     * An attack-specific number from {@code extra}.
     *
     * @param key the option's name, e.g. {@code confidence}
     * @param dflt the value when the option is absent
     * @return the option's value
     * @throws org.dlsec.core.DlsecException when the option is present and not a finite number
     */
    public double extraDouble(String key, double dflt) {
        String v = extra.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid " + name + " parameter " + key + "=" + v + ": expected a finite number");
        }
    }

    /**
     * An attack-specific integer from {@code extra}.
     *
     * @param key the option's name, e.g. {@code binary-steps}
     * @param dflt the value when the option is absent
     * @return the option's value
     * @throws org.dlsec.core.DlsecException when the option is present and not an integer
     */
    public int extraInt(String key, int dflt) {
        String v = extra.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid " + name + " parameter " + key + "=" + v + ": expected an integer");
        }
    }

    /**
     * An attack-specific text option from {@code extra}.
     *
     * @param key the option's name
     * @param dflt the value when the option is absent
     * @return the option's value, as given
     */
    public String extraString(String key, String dflt) {
        return extra.getOrDefault(key, dflt);
    }
}
