package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.junit.jupiter.api.Test;

/**
 * A minimal-perturbation attack over a list of ε runs once and reads each budget from the distances it found, as
 * Foolbox does for its minimisation attacks: a sample is broken at ε exactly when the attack fooled it with a
 * perturbation of norm at most ε.
 */
class MinimalPerturbationCurveTest {
    static final Dataset DATA = TestSupport.mnistTest(40);
    static final List<Double> EPS = List.of(0.0, 0.5, 1.0, 1.5, 1000.0);

    @Test
    void oneRunGivesEveryBudgetFromItsDistances() {
        Classifier model = TestModels.mnistLenet();
        DeepFool df = new DeepFool(DeepFool.Params.defaults(0));
        AttackResult unbounded = EvasionRunner.run(df, model, DATA, null, 16, false);
        int[] runs = {0};
        List<AttackResult> curve = EvasionRunner.sweep(df, EPS, (a, eps) -> {
            runs[0]++;
            return EvasionRunner.run(a, model, DATA, null, 16, false);
        }, DATA::image);
        assertEquals(1, runs[0], "the attack runs once for the whole list");
        assertEquals(EPS.size(), curve.size());
        assertEquals(DATA.size(), curve.get(0).size());
        assertEquals(unbounded.cleanAccuracy(), curve.get(0).robustAccuracy(), 0, "nothing is broken at ε = 0");
        assertEquals(unbounded.robustAccuracy(), curve.get(EPS.size() - 1).robustAccuracy(), 0,
                "a budget above every distance gives the unbounded result");
        boolean somewhereInBetween = false;
        for (int k = 0; k < EPS.size(); k++) {
            AttackResult r = curve.get(k);
            double eps = EPS.get(k);
            assertEquals(eps, ((Number) r.parameters().get("eps")).doubleValue(), 0);
            if (k > 0) {
                assertTrue(r.robustAccuracy() <= curve.get(k - 1).robustAccuracy(), "robust accuracy never rises with ε");
            }
            somewhereInBetween |= r.robustAccuracy() < unbounded.cleanAccuracy() && r.robustAccuracy() > unbounded.robustAccuracy();
            for (int i = 0; i < DATA.size(); i++) {
                boolean expected = unbounded.success()[i] && unbounded.l2()[i] <= eps * (1 + 1e-6);
                assertEquals(expected, r.success()[i], "sample " + i + " at ε " + eps);
                assertTrue(r.l2()[i] <= eps * (1 + 1e-6) || !r.success()[i], "a success within the budget");
                if (unbounded.success()[i] && !expected) {
                    assertArrayEquals(DATA.image(i), r.adversarialExample(i), "a sample not broken at ε keeps its input");
                    assertEquals(unbounded.cleanPredictions()[i], r.adversarialPredictions()[i]);
                    assertEquals(0, r.l2()[i], 0);
                } else {
                    assertArrayEquals(unbounded.adversarialExample(i), r.adversarialExample(i));
                    assertEquals(unbounded.adversarialPredictions()[i], r.adversarialPredictions()[i]);
                }
                assertEquals(unbounded.queries()[i], r.queries()[i], "the one run's cost");
            }
        }
        assertTrue(somewhereInBetween, "the chosen budgets cut through the distances DeepFool found");
        RobustnessCurve c = EvasionRunner.curve(df, EPS.stream().mapToDouble(Double::doubleValue).toArray(), curve);
        assertEquals("l2", c.norm());
    }

    @Test
    void anAttackWithoutBudgetOrDistanceTakesOneEps() {
        EvasionAttack jsma = EvasionAttacks.create(new AttackSpec("jsma", 0, Norm.L0, null, null, null, false, null, 0,
                Map.of()));
        DlsecException e = assertThrows(DlsecException.class, () -> EvasionRunner.sweep(jsma, EPS, (a, eps) -> {
            throw new AssertionError("must not run");
        }, DATA::image));
        assertTrue(e.getMessage().contains("does not minimise a distance"), e.getMessage());
        AttackResult any = new AttackResult("x", Knowledge.WHITE_BOX, false, Map.of(), new long[] {1}, new long[] {0},
                new int[] {0}, null, new int[] {0}, new int[] {1}, new boolean[] {true}, new boolean[] {false},
                new double[] {1}, new double[] {1}, new double[] {1}, new long[] {1}, new long[] {0}, new double[] {0},
                new float[] {1});
        assertThrows(DlsecException.class, () -> any.withinBudget(Norm.L0, 1, i -> new float[] {0}));
        assertThrows(DlsecException.class, () -> any.withinBudget(Norm.L2, Double.NaN, i -> new float[] {0}));
    }
}
