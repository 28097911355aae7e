package org.dlsec.defence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.defence.preprocess.Preprocessors;
import org.dlsec.model.Classifier;
import org.junit.jupiter.api.Test;

/** The masking checks stay quiet on an honest model and fire on a squeezer attacked with its zero gradient. */
class GradientMaskingChecksTest {
    static final Dataset DATA = TestSupport.mnistTest(40);
    static final GradientMaskingChecks.Config CFG = new GradientMaskingChecks.Config(0.3, 300, 0.05, 0);

    @Test
    void undefendedModelShowsNoMasking() {
        GradientMaskingChecks.Result r = GradientMaskingChecks.run(TestModels.mnistLenet(), DATA, CFG, false);
        assertEquals(3, r.checks().size());
        assertFalse(r.masked(), "honest gradients: " + r.checks());
    }

    @Test
    void naiveGradientsThroughBitDepthReductionAreFlaggedAndBpdaClearsThem() {
        Classifier model = TestModels.mnistLenet();
        PreprocessedClassifier naive = Preprocessors.parse("squeeze:bits=1").wrap(model, false, 0);
        GradientMaskingChecks.Result r = GradientMaskingChecks.run(naive, DATA, CFG, false);
        assertTrue(r.masked(), "a zero gradient must be flagged: " + r.checks());
        assertTrue(r.checks().get(0).flagged(), "Square beats the blind white-box attack: " + r.checks().get(0));
        GradientMaskingChecks.Result adaptive = GradientMaskingChecks.run(naive.withMode(PreprocessedClassifier.GradientMode.ADAPTIVE),
                DATA, CFG, false);
        assertFalse(adaptive.checks().get(2).flagged(), "with BPDA the unbounded attack wins: " + adaptive.checks());
        assertThrows(DlsecException.class, () -> new GradientMaskingChecks.Config(0, 10, 0.02, 0));
        assertThrows(DlsecException.class, () -> new GradientMaskingChecks.Config(0.3, 10, 1.5, 0));
    }
}
