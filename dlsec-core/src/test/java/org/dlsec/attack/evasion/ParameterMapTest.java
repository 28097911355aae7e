package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

/** Parameters come from the parameter record: every component, in order, with the attack's stated differences. */
class ParameterMapTest {
    record Demo(Norm norm, double epsilon, int steps, boolean internalSwitch, long seed) {}

    @Test
    void everyComponentIsRecordedInOrderAndTheDifferencesAreExplicit() {
        Demo d = new Demo(Norm.L2, 0.5, 10, true, 3);
        assertEquals(List.of("norm", "eps", "steps", "internalSwitch", "seed"),
                new ArrayList<>(ParameterMap.of(d).map().keySet()), "all components; epsilon is recorded as eps");
        assertEquals("l2", ParameterMap.of(d).map().get("norm"), "a norm by its CLI name");
        Map<String, Object> m = ParameterMap.of(d).drop("internalSwitch").first("family", "demo")
                .before("seed", "loss", "margin").rename("steps", "iterations", 20).replace("eps", 0.25).map();
        assertEquals(List.of("family", "norm", "eps", "iterations", "loss", "seed"), new ArrayList<>(m.keySet()));
        assertEquals(20, m.get("iterations"));
        assertEquals(0.25, m.get("eps"));
        assertThrows(DlsecException.class, () -> ParameterMap.of(d).drop("typo"), "a stated difference must exist");
        assertThrows(UnsupportedOperationException.class, () -> ParameterMap.of(d).map().put("x", 1));
    }

    @Test
    void attacksRecordTheirRecordsComponents() {
        Pgd pgd = Pgd.pgd(Norm.LINF, 0.3, 40, null, 1, false, 7);
        assertEquals(Map.of("norm", "linf", "eps", 0.3, "stepSize", 0.3 / 40 * 2.5, "steps", 40, "randomStart", true,
                "restarts", 1, "targeted", false, "seed", 7L), pgd.parameters());
        Map<String, Object> hsj = EvasionAttacks.create(new AttackSpec("hsj", 0, Norm.L2, null, null, null, false, 500, 1,
                Map.of())).parameters();
        assertEquals(List.of("norm", "maxQueries", "initEvals", "maxEvals", "gamma", "initTries", "seed"),
                new ArrayList<>(hsj.keySet()), "HopSkipJump's record, component by component");
    }
}
