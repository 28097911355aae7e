package org.dlsec.attack.evasion;

import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;

/**
 * An attack's recorded parameters, read from its parameter record rather than written out by hand: every component
 * in declaration order ({@code epsilon} recorded as {@code eps}, a {@link Norm} as its CLI name), so a component
 * added to a record is recorded without anyone remembering to. An attack then states only what differs — a value
 * it derives ({@link #replace}), a fixed setting of the algorithm ({@link #before}, {@link #first}), or an internal
 * switch that is not a parameter ({@link #drop}).
 */
final class ParameterMap {
    private final LinkedHashMap<String, Object> m = new LinkedHashMap<>();

    private ParameterMap() {}

    /** Every component of {@code params}, in order. */
    static ParameterMap of(Record params) {
        ParameterMap p = new ParameterMap();
        for (RecordComponent c : params.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(params);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + params.getClass().getSimpleName(), e);
            }
            p.m.put(c.getName().equals("epsilon") ? "eps" : c.getName(), v instanceof Norm n ? n.cliName() : v);
        }
        return p;
    }

    /** With {@code key} first (e.g. the norm of a fixed-norm attack). */
    ParameterMap first(String key, Object value) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>(m);
        m.clear();
        m.put(key, value);
        m.putAll(copy);
        return this;
    }

    /** With {@code key} inserted just before {@code existing}. */
    ParameterMap before(String existing, String key, Object value) {
        require(existing);
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>(m);
        m.clear();
        copy.forEach((k, v) -> {
            if (k.equals(existing)) {
                m.put(key, value);
            }
            m.put(k, v);
        });
        return this;
    }

    /** With {@code key}'s value replaced, in place (a value the attack derives, such as a resolved step size). */
    ParameterMap replace(String key, Object value) {
        require(key);
        m.put(key, value);
        return this;
    }

    /** With {@code key} renamed to {@code name} and given {@code value}, in place. */
    ParameterMap rename(String key, String name, Object value) {
        require(key);
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>(m);
        m.clear();
        copy.forEach((k, v) -> m.put(k.equals(key) ? name : k, k.equals(key) ? value : v));
        return this;
    }

    /** Without {@code keys} (switches that select the code path, not parameters of the algorithm). */
    ParameterMap drop(String... keys) {
        for (String k : keys) {
            require(k);
            m.remove(k);
        }
        return this;
    }

    Map<String, Object> map() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private void require(String key) {
        if (!m.containsKey(key)) {
            throw new DlsecException("no parameter '" + key + "' in " + m.keySet());
        }
    }
}
