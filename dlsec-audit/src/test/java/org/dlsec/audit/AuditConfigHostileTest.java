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

    /**
     * The fastest of seven interleaved runs of each task, after three warm-up rounds: the time a task takes when
     * nothing else interferes. Medians of five left the garbage collector's pauses (these tasks allocate strings of
     * up to 10 MB) in one side or the other: the same code measured 0.06 s in one suite and 0.26 s in the next for a
     * 200 kB scalar whose valid counterpart took 0.01 s both times (2026-12-08, fresh clones, 2 cores).
     */
    static double[] fastest(Runnable... tasks) {
        for (int w = 0; w < 3; w++) {
            for (Runnable t : tasks) {
                t.run();
            }
        }
        double[][] runs = new double[tasks.length][7];
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < tasks.length; j++) {
                runs[j][i] = seconds(tasks[j]);
            }
        }
        double[] out = new double[tasks.length];
        for (int j = 0; j < tasks.length; j++) {
            out[j] = java.util.Arrays.stream(runs[j]).min().orElseThrow();
        }
        return out;
    }

    /**
     * Long scalars are refused in little time: no more than twenty times what reading a valid file of the same size
     * takes, and a file over the size limit by its length, before it is read (SnakeYAML scanned a 10 MB scalar for 23 s
     * before the limits). Times are compared as ratios measured in the same run (the fastest of interleaved runs), so a
     * busy machine slows both sides alike: the absolute bounds this test had failed under load.
     */
    @Test
    void longScalarsAreRefusedFast() {
        // under the file limit, over the scalar limit
        String yaml = "attacks:\n  - attack: fgsm\n    id: " + "a".repeat(200_000) + "\n";
        String quoted = "attacks:\n  - attack: \"" + "b".repeat(200_000) + "\"\n";
        String key = "attacks:\n  - attack: fgsm\n    " + "k".repeat(200_000) + ": 1\n";
        String huge = "attacks:\n  - attack: '" + "c".repeat(10_000_000) + "'\n";
        // the reference: a valid configuration of the same size (2,000 comment lines of 100 characters)
        String valid = ("# " + "n".repeat(98) + "\n").repeat(2000) + "attacks:\n  - attack: fgsm\n    eps: 0.1\n";
        DlsecException e = refuse(yaml);
        assertTrue(e.getMessage().startsWith("hostile.yaml"), e.getMessage());
        assertTrue(e.getMessage().length() < 600, "message of " + e.getMessage().length() + " characters");
        assertTrue(refuse(huge).getMessage().contains("over the limit"));
        assertEquals(1, AuditConfig.parse(valid, "valid.yaml").attacks().size());
        double[] t = fastest(() -> AuditConfig.parse(valid, "valid.yaml"), () -> refuse(yaml), () -> refuse(quoted),
                () -> refuse(key), () -> refuse(huge));
        String times = String.format(java.util.Locale.ROOT, "valid 200 kB file %.4f s; 200 kB plain scalar %.4f s, quoted"
                + " %.4f s, key %.4f s; 10 MB file %.5f s (fastest of 7)", t[0], t[1], t[2], t[3], t[4]);
        System.out.println(times);
        for (int i = 1; i <= 3; i++) {
            assertTrue(t[i] < 20 * t[0], times);
        }
        assertTrue(t[4] < t[0], "the 10 MB file is refused by its length, before it is read: " + times);
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
        // refused about as fast as a valid file of its size is read (a ratio in the same run, not an absolute bound)
        String valid = ("# " + "n".repeat(98) + "\n").repeat(Math.max(1, bomb.length() / 100))
                + "attacks:\n  - attack: fgsm\n    eps: 0.1\n";
        double[] t = fastest(() -> AuditConfig.parse(valid, "valid.yaml"), () -> refuse(bomb.toString()));
        assertTrue(t[1] < 20 * t[0] + 0.005, "alias bomb refused in " + t[1] + " s, a valid file of its size read in " + t[0]
                + " s (fastest of 7)");
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
