package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example configuration of docs/audit-config.md is a valid configuration, every section of it read. */
class DocumentedConfigTest {
    @Test
    void theDocumentedExampleParses() throws Exception {
        String doc = Files.readString(Path.of("docs/audit-config.md"));
        int from = doc.indexOf("```yaml\n");
        int to = doc.indexOf("```", from + 8);
        assertTrue(from >= 0 && to > from, "no yaml block in docs/audit-config.md");
        AuditConfig c = AuditConfig.parse(doc.substring(from + 8, to), "docs/audit-config.md");
        assertTrue(c.attacks().stream().anyMatch(e -> e.substitute() != null), "the transfer entry");
        assertTrue(!c.faults().isEmpty() && !c.poisoning().isEmpty() && !c.privacy().isEmpty() && !c.extraction().isEmpty()
                && !c.scan().isEmpty() && !c.masking().isEmpty() && !c.certification().isEmpty() && !c.sidechannel().isEmpty(),
                "every section");
        assertEquals(java.util.List.of("power", "power-shuffle", "power-mask", "timing-constant-time"),
                c.sidechannel().stream().map(AuditConfig.SideChannelEntry::id).toList());
        assertEquals("squeeze:bits=1", c.defence().transform());
        assertEquals("top1", c.defence().output());
        assertTrue(!c.gates().isEmpty());
    }
}
