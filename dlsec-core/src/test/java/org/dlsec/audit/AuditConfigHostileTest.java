package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

/** The YAML loader's own limits (issue #25, findings 6 and 9): refused while reading, in little time. */
class AuditConfigHostileTest {
    static DlsecException refuse(String yaml) {
        return assertThrows(DlsecException.class, () -> AuditConfig.parse(yaml, "hostile.yaml"));
    }

    static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void longScalarsAreRefusedFast() {
        // under the file limit, over the scalar limit: SnakeYAML scanned a 10 MB scalar for 23 s
        String yaml = "attacks:\n  - attack: fgsm\n    id: " + "a".repeat(200_000) + "\n";
        double s = seconds(() -> {
            DlsecException e = refuse(yaml);
            assertTrue(e.getMessage().startsWith("hostile.yaml"), e.getMessage());
            assertTrue(e.getMessage().length() < 600, "message of " + e.getMessage().length() + " characters");
        });
        assertTrue(s < 2, "refusing a 200 kB scalar took " + s + " s");
        String quoted = "attacks:\n  - attack: \"" + "b".repeat(100_000) + "\"\n";
        assertTrue(seconds(() -> refuse(quoted)) < 2);
        String huge = "attacks:\n  - attack: '" + "c".repeat(10_000_000) + "'\n";
        double h = seconds(() -> assertTrue(refuse(huge).getMessage().contains("over the limit")));
        assertTrue(h < 1, "refusing a 10 MB scalar took " + h + " s");
        String key = "attacks:\n  - attack: fgsm\n    " + "k".repeat(50_000) + ": 1\n";
        assertTrue(seconds(() -> refuse(key)) < 2);
    }

    @Test
    void nestingAndAliasesAreBounded() {
        String deep = "attacks: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        DlsecException e = refuse(deep);
        assertTrue(e.getMessage().startsWith("hostile.yaml"), e.getMessage());
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 30; i++) {
            bomb.append("b").append(i).append(": &b").append(i).append(" [*").append(i == 0 ? "a" : "b" + (i - 1))
                    .append(", *").append(i == 0 ? "a" : "b" + (i - 1)).append("]\n");
        }
        bomb.append("attacks:\n  - attack: fgsm\n");
        assertTrue(seconds(() -> refuse(bomb.toString())) < 2);
    }

    @Test
    void aSecondDocumentIsRefused() {
        DlsecException e = refuse("attacks:\n  - attack: fgsm\n---\nattacks:\n  - attack: cw\n    params: {confidance: 5}\n");
        assertTrue(e.getMessage().contains("hostile.yaml line 4") && e.getMessage().contains("second YAML document"),
                e.getMessage());
        refuse("attacks:\n  - attack: fgsm\n---\n");
        // one document with an explicit start marker is fine
        assertEquals(1, AuditConfig.parse("---\nattacks:\n  - attack: fgsm\n", "ok.yaml").attacks().size());
        assertEquals(1, AuditConfig.parse("attacks:\n  - attack: fgsm\n...\n", "ok.yaml").attacks().size());
    }

    @Test
    void unknownAttackParametersNameTheLine() {
        DlsecException e = refuse("attacks:\n  - attack: square\n    params:\n      q: 0.1\n");
        assertTrue(e.getMessage().contains("hostile.yaml line 4") || e.getMessage().contains("hostile.yaml line 3"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'q'") && e.getMessage().contains("p"), e.getMessage());
        assertEquals("5", AuditConfig.parse("attacks:\n  - attack: cw\n    params: {confidence: 5}\n", "ok.yaml").attacks()
                .get(0).spec().extra().get("confidence"));
    }

    @Test
    void unknownPrivacyParametersAreRefusedAtParseTime() {
        DlsecException e = refuse("attacks:\n  - attack: fgsm\nprivacy:\n  - attack: lira\n    params:\n      epoch: 3\n");
        assertTrue(e.getMessage().contains("hostile.yaml line 5") && e.getMessage().contains("'epoch'"), e.getMessage());
        assertEquals("3", AuditConfig.parse("attacks:\n  - attack: fgsm\nprivacy:\n  - attack: lira\n    params:\n"
                + "      epochs: 3\n", "ok.yaml").privacy().get(0).params().get("epochs"));
    }

    @Test
    void budgetsMustFitAFloat() {
        assertTrue(refuse("attacks:\n  - attack: fgsm\n    eps: 1e39\n").getMessage().contains("32-bit float"));
        assertTrue(refuse("attacks:\n  - attack: fgsm\n    eps: [0.1, 1e308]\n").getMessage().contains("line 3"));
    }
}
