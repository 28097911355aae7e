package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.dlsec.core.DlsecException;

/**
 * Fuzzes the audit configuration parser with arbitrary text (YAML syntax, anchors and aliases, deep
 * nesting, wrong types): it returns a validated configuration or fails with a {@link DlsecException},
 * never anything else.
 */
class AuditConfigFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void parsesOrRefuses(byte[] input) {
        String yaml = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            AuditConfig c = AuditConfig.parse(yaml, "fuzz.yaml");
            assertFalse(c.attacks().isEmpty(), "a parsed configuration has attacks");
        } catch (DlsecException expected) {
            // refused with a clear message
        }
    }
}
