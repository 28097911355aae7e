package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * Attacks in one readable line (issue #24): {@code Pgd.linf(0.3).steps(40).stepSize(0.01).build()} and
 * {@code Square.linf(0.3).maxQueries(1000).build()} are the registry's attacks with the same parameters (the command
 * line's defaults when a value is not set), and a bad value fails at {@code build()} naming the parameter.
 */
class BuildersTest {
    static EvasionAttack registry(String name, double eps, Norm norm, Integer steps, Double step, Integer queries,
            Map<String, String> extra) {
        return EvasionAttacks.create(new AttackSpec(name, eps, norm, steps, step, null, false, queries, 0, extra));
    }

    @Test
    void buildersEqualTheRegistrysAttacks() {
        assertEquals(registry("pgd", 0.3, Norm.LINF, null, null, null, Map.of()).parameters(),
                Pgd.linf(0.3).build().parameters(), "the registry's defaults");
        assertEquals(registry("pgd", 0.3, Norm.LINF, 40, 0.01, null, Map.of()).parameters(),
                Pgd.linf(0.3).steps(40).stepSize(0.01).build().parameters());
        assertEquals(registry("bim", 1.0, Norm.L2, null, null, null, Map.of()).parameters(),
                Pgd.l2(1.0).bim().build().parameters());
        assertEquals(registry("fgsm", 0.1, Norm.LINF, null, null, null, Map.of()).parameters(),
                Pgd.linf(0.1).fgsm().build().parameters());
        assertEquals(registry("square", 0.3, Norm.LINF, null, null, 1000, Map.of()).parameters(),
                Square.linf(0.3).maxQueries(1000).build().parameters());
        assertEquals(registry("square", 2.0, Norm.L2, null, null, 500, Map.of("redraw", "false", "p", "0.2")).parameters(),
                Square.l2(2.0).maxQueries(500).pInit(0.2).withoutRedraw().build().parameters());
        assertEquals(registry("mim", 0.3, Norm.LINF, 20, null, null, Map.of("decay", "0.5")).parameters(),
                MomentumIterative.linf(0.3).steps(20).decay(0.5).build().parameters());
        assertEquals(registry("apgd", 0.3, Norm.LINF, null, null, null, Map.of()).parameters(),
                AutoPgd.linf(0.3).build().parameters());
        assertEquals(registry("deepfool", 0, Norm.L2, null, null, null, Map.of()).parameters(),
                DeepFool.builder().build().parameters());
        assertEquals(registry("deepfool", 0, Norm.L2, 20, null, null, Map.of("overshoot", "0.05")).parameters(),
                DeepFool.builder().maxIterations(20).overshoot(0.05).build().parameters());
        assertEquals(registry("cw", 0, Norm.L2, null, null, null, Map.of()).parameters(),
                CarliniWagnerL2.builder().build().parameters());
        assertEquals(registry("cw", 0, Norm.L2, 100, null, null, Map.of("c", "1", "binary-steps", "1", "abort-early", "false"))
                .parameters(), CarliniWagnerL2.builder().initialConst(1).binarySteps(1).steps(100).noEarlyAbort().build()
                .parameters());
        assertEquals(registry("hsj", 0, Norm.L2, null, null, null, Map.of()).parameters(),
                HopSkipJump.l2().build().parameters());
        assertEquals(registry("hsj", 0, Norm.LINF, null, null, 800, Map.of("gamma", "2")).parameters(),
                HopSkipJump.linf().maxQueries(800).gamma(2).build().parameters());
        assertEquals(registry("boundary", 0, Norm.L2, null, null, 700, Map.of("source-step", "0.02")).parameters(),
                Boundary.builder().maxQueries(700).sourceStep(0.02).build().parameters());
        assertEquals(registry("zoo", 0.3, Norm.LINF, null, null, 2000, Map.of("samples", "20")).parameters(),
                Zoo.linf(0.3).maxQueries(2000).samples(20).build().parameters());
        assertEquals(registry("onepixel", 0, Norm.L0, null, null, null, Map.of("pixels", "3", "population", "50")).parameters(),
                OnePixel.pixels(3).population(50).build().parameters());
        assertEquals(EvasionAttacks.create(new AttackSpec("jsma", 0, Norm.L0, null, null, null, true, null, 0,
                Map.of("gamma", "0.1", "saliency", "logits"))).parameters(), Jsma.builder().gamma(0.1).onLogits().build()
                .parameters());
        // the same attack: the same adversarial examples
        Dataset d = TestSupport.mnistTest(8);
        AttackResult a = Pgd.linf(0.2).steps(5).seed(3).build().run(TestModels.mnistLenet(), d);
        AttackResult b = Pgd.pgd(Norm.LINF, 0.2, 5, null, 1, false, 3).run(TestModels.mnistLenet(), d);
        assertArrayEquals(a.adversarial(), b.adversarial());
        assertTrue(Pgd.linf(0.3).targeted().build().targeted());
    }

    @Test
    void badValuesFailAtBuildNamingTheParameter() {
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.linf(0.3).steps(0).build()).getMessage().contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.linf(-1).build()).getMessage().contains("eps"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.linf(0.3).restarts(0).build()).getMessage()
                .contains("restarts"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.linf(0.3).fgsm().steps(3).build()).getMessage()
                .contains("fgsm"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.linf(0.3).bim().restarts(2).build()).getMessage()
                .contains("restarts"));
        assertTrue(assertThrows(DlsecException.class, () -> Square.linf(0.3).maxQueries(2).build()).getMessage()
                .contains("max queries"));
        assertTrue(assertThrows(DlsecException.class, () -> Square.linf(0.3).pInit(0).build()).getMessage().contains("p"));
        assertTrue(assertThrows(DlsecException.class, () -> MomentumIterative.linf(0.3).steps(0).build()).getMessage()
                .contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> AutoPgd.linf(0.3).restarts(0).build()).getMessage()
                .contains("restarts"));
        assertTrue(assertThrows(DlsecException.class, () -> AutoPgd.linf(0.3).stepSize(0.01).build()).getMessage()
                .contains("step size"));
        assertTrue(assertThrows(DlsecException.class, () -> MomentumIterative.linf(0.3).restarts(3).build()).getMessage()
                .contains("restarts"));
        assertTrue(assertThrows(DlsecException.class, () -> DeepFool.builder().overshoot(-1).build()).getMessage()
                .contains("overshoot"));
        assertTrue(assertThrows(DlsecException.class, () -> DeepFool.builder().targeted().build()).getMessage()
                .contains("targeted"));
        assertTrue(assertThrows(DlsecException.class, () -> HopSkipJump.l2().targeted().build()).getMessage()
                .contains("targeted"));
        assertTrue(CarliniWagnerL2.builder().targeted().seed(4).build().targeted());
        assertTrue(assertThrows(DlsecException.class, () -> CarliniWagnerL2.builder().confidence(-1).build()).getMessage()
                .contains("confidence"));
    }
}
