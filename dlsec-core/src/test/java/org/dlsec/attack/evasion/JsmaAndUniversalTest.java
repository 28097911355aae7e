package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.QueryStats;
import org.junit.jupiter.api.Test;

/** JSMA (targeted L0) and the universal adversarial perturbation on an undefended MNIST LeNet. */
class JsmaAndUniversalTest {
    static AttackResult runCounted(EvasionAttack a, Dataset d, int[] targets, int batch) {
        return MinimalL2AttacksTest.runCounted(a, d, targets, batch);
    }

    @Test
    void jsmaReachesRandomTargetsChangingFewPixels() {
        Dataset d = TestSupport.mnistTest(100);
        EvasionAttack jsma = EvasionAttacks.create(AttackSpec.of("jsma", 0));
        assertTrue(jsma.targeted(), "JSMA is always targeted");
        int[] targets = EvasionRunner.randomTargets(d, 0);
        AttackResult r = runCounted(jsma, d, targets, 100);
        int pixels = 28 * 28;
        assertTrue(r.successRate() >= 0.85, "JSMA success " + r.successRate());
        assertTrue(r.summary().meanL0() <= 0.145 * pixels, "mean L0 " + r.summary().meanL0());
        for (int i = 0; i < d.size(); i++) {
            assertTrue(r.l0()[i] <= 2 * Math.floor(0.145 * pixels / 2), "L0 above γ·d: " + r.l0()[i]);
            if (r.success()[i]) {
                assertEquals(targets[i], r.adversarialPredictions()[i]);
            }
            // θ = +1: pixels only increase, to the upper bound
            float[] adv = r.adversarialExample(i);
            float[] orig = d.image(i);
            for (int j = 0; j < pixels; j++) {
                assertTrue(adv[j] >= orig[j] - 1e-6f);
                assertTrue(adv[j] == orig[j] || adv[j] == 1f);
            }
            // two gradients per iteration, except the last check
            assertTrue(r.gradients()[i] <= 2L * (long) Math.floor(0.145 * pixels / 2) + 1);
        }
        // a smaller γ caps the distortion and lowers success
        AttackResult small = runCounted(new Jsma(new Jsma.Params(0.02, 0)), d, targets, 100);
        assertTrue(small.successRate() < r.successRate(), small.successRate() + " vs " + r.successRate());
        for (double l0 : small.l0()) {
            assertTrue(l0 <= 2 * Math.floor(0.02 * pixels / 2));
        }
    }

    @Test
    void jsmaOnTheLogitsIsTheZVariantAndAlsoReachesItsTargets() {
        Dataset d = TestSupport.mnistTest(40);
        int[] targets = EvasionRunner.randomTargets(d, 0);
        EvasionAttack z = EvasionAttacks.create(jsmaWith("logits"));
        assertEquals("logits", z.parameters().get("saliency"));
        assertEquals("probabilities", EvasionAttacks.create(AttackSpec.of("jsma", 0)).parameters().get("saliency"));
        AttackResult rz = runCounted(z, d, targets, 40);
        AttackResult rf = runCounted(EvasionAttacks.create(AttackSpec.of("jsma", 0)), d, targets, 40);
        assertTrue(rz.successRate() >= 0.8, "JSMA-Z success " + rz.successRate());
        assertTrue(!java.util.Arrays.equals(rf.adversarial(), rz.adversarial()), "F and Z saliency maps pick other pixels");
        assertThrows(DlsecException.class, () -> EvasionAttacks.create(jsmaWith("softmax")));
    }

    private static AttackSpec jsmaWith(String saliency) {
        return new AttackSpec("jsma", 0, Norm.LINF, null, null, null, true, null, 0, java.util.Map.of("saliency", saliency));
    }

    @Test
    void jsmaIsDeterministicAndRejectsBadGamma() {
        Dataset d = TestSupport.mnistTest(12);
        int[] t = EvasionRunner.randomTargets(d, 1);
        Jsma j = new Jsma(new Jsma.Params(0.05, 0));
        assertArrayEquals(runCounted(j, d, t, 12).adversarial(), runCounted(j, d, t, 5).adversarial());
        assertTrue(assertThrows(DlsecException.class, () -> new Jsma(new Jsma.Params(0, 0))).getMessage().contains("gamma"));
        assertTrue(assertThrows(DlsecException.class, () -> new Jsma(new Jsma.Params(1.5, 0))).getMessage().contains("gamma"));
    }

    @Test
    void jsmaPairSearchPicksTheMostSalientAdmissiblePair() {
        float[] alpha = {0.5f, 0.1f, 2.0f, 1.0f, 3.0f};
        float[] beta = {-0.5f, -0.1f, 1.0f, -2.0f, 5.0f};
        boolean[] dom = {true, true, true, true, true};
        // (0,3): α=1.5, β=−2.5 → 3.75 ; (2,3): α=3, β=−1 → 3 ; (3,4): β>0 ; best is (0,3)
        assertArrayEquals(new int[] {0, 3}, Jsma.bestPair(alpha, beta, 0, dom, 5));
        dom[0] = false;
        // without feature 0: (2,3) → 3, (1,3) → 1.1·2.1 = 2.31 ; best is (2,3)
        assertArrayEquals(new int[] {2, 3}, Jsma.bestPair(alpha, beta, 0, dom, 5));
    }

    @Test
    void universalPerturbationFoolsFarMoreThanRandomNoiseOfTheSameNorm() {
        Classifier model = TestModels.mnistLenet();
        Dataset fit = TestSupport.mnistTrain(100);
        Dataset test = TestSupport.mnistTest(200);
        // L2 budget: random noise of this norm spreads over all pixels and barely hurts, a universal
        // direction concentrates it (in L∞, random ±ε sign noise is itself a strong attack on MNIST)
        double eps = 5.0;
        UniversalPerturbation.Params p = new UniversalPerturbation.Params(Norm.L2, eps, 0.2, 3, DeepFool.Params.defaults(0), 0);
        QueryStats before = model.stats();
        UniversalPerturbation.Fitted f = UniversalPerturbation.fit(model, fit, p);
        QueryStats spent = model.stats().minus(before);
        assertEquals(spent.queries(), f.queries());
        assertEquals(spent.gradientSamples(), f.gradients());
        float[] v = f.perturbation();
        double l2 = 0;
        for (float x : v) {
            l2 += (double) x * x;
        }
        assertTrue(Math.sqrt(l2) <= eps + 1e-4, "v outside the ball: " + Math.sqrt(l2));
        assertTrue(f.passes() >= 1 && f.passes() <= 3);

        AttackResult uap = runCounted(UniversalAttack.of(f), test, null, 200);
        for (long q : uap.queries()) {
            assertEquals(2, q, "applying v costs only the template's two predictions");
        }
        // a random sign vector of the same L2 norm ε
        SplittableRandom r = new SplittableRandom(5);
        float[] noise = new float[v.length];
        for (int j = 0; j < noise.length; j++) {
            noise[j] = (float) ((r.nextBoolean() ? eps : -eps) / Math.sqrt(noise.length));
        }
        UniversalPerturbation.Fitted random = new UniversalPerturbation.Fitted(noise, f.sampleShape(), p, 0, 0, 1, 0, 0);
        AttackResult rnd = runCounted(UniversalAttack.of(random), test, null, 200);
        double uapFool = changed(uap);
        double rndFool = changed(rnd);
        System.out.printf("uap L2 %.1f: fit fooling %.3f, test fooling %.3f, random noise %.3f%n", eps, f.foolingRate(), uapFool,
                rndFool);
        assertTrue(uapFool >= rndFool + 0.1 && uapFool >= 2 * rndFool, "UAP fooling " + uapFool + " vs random " + rndFool);
        assertTrue(f.foolingRate() >= 0.15, "fit fooling rate " + f.foolingRate());
    }

    @Test
    void universalAttackMustBeFittedAndValidatesParameters() {
        EvasionAttack a = EvasionAttacks.create(new AttackSpec("uap", 0.2, Norm.LINF, null, null, null, false, null, 0,
                Map.of("fit", "50")));
        assertTrue(a instanceof UniversalAttack u && !u.isFitted() && u.fitSize() == 50);
        Dataset d = TestSupport.mnistTest(4);
        assertTrue(assertThrows(DlsecException.class, () -> EvasionRunner.run(a, TestModels.mnistLenet(), d, null, 4, false))
                .getMessage().contains("fitted"));
        assertTrue(assertThrows(DlsecException.class, () -> UniversalPerturbation.Params.defaults(Norm.LINF, 0, 0))
                .getMessage().contains("eps"));
        assertTrue(assertThrows(DlsecException.class, () -> new UniversalPerturbation.Params(Norm.LINF, 0.1, 1.0, 2,
                DeepFool.Params.defaults(0), 0)).getMessage().contains("delta"));
        assertTrue(assertThrows(DlsecException.class, () -> new UniversalPerturbation.Params(Norm.L0, 0.1, 0.2, 2,
                DeepFool.Params.defaults(0), 0)).getMessage().contains("norm"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("uap", 0.2, Norm.LINF, null,
                null, null, false, null, 0, Map.of("fit", "0")))).getMessage().contains("fit"));
        float[] v = {3f, -4f};
        UniversalPerturbation.project(v, Norm.L2, 1.0);
        assertEquals(0.6f, v[0], 1e-6);
        assertEquals(-0.8f, v[1], 1e-6);
    }

    private static double changed(AttackResult r) {
        int c = 0;
        for (int i = 0; i < r.size(); i++) {
            c += r.adversarialPredictions()[i] != r.cleanPredictions()[i] ? 1 : 0;
        }
        return (double) c / r.size();
    }

}
