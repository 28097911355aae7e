package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.core.DlsecException;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** LiRA's builder: the variant and the defaults it states, the same parameters as the positional constructor. */
class LiraBuilderTest {
    static ShadowSpec spec(int count) {
        TrainConfig t = PrivacyTargets.OVERFIT;
        return new ShadowSpec(Architecture.LENET5, t, count);
    }

    @Test
    void theBuilderNamesTheVariantAndKeepsThePapersDefaults() {
        Lira online = Lira.online(spec(4)).seed(7).build();
        assertEquals("lira", online.name());
        assertEquals(new Lira(spec(4), true, true, 7).parameters(), online.parameters());
        Lira offline = Lira.offline(spec(1)).perSampleVariance().build();
        assertEquals("lira-offline", offline.name());
        assertEquals(new Lira(spec(1), false, false, 0).parameters(), offline.parameters());
        DlsecException e = assertThrows(DlsecException.class, () -> Lira.online(spec(1)).build());
        assertTrue(e.getMessage().contains("shadows"), e.getMessage());
    }
}
