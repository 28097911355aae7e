package org.dlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.core.Json;
import org.dlsec.core.NumericalIssue;
import org.junit.jupiter.api.Test;

/** The report lists the numerical issues of its runs (at most 20 rows per run), and the records keep them in JSON. */
class NumericalIssuesHtmlTest {
    static AttackRecord attack(String id, List<NumericalIssue> issues) {
        return new AttackRecord(id, "0".repeat(64), "cw", "evasion", "white-box", "l2", Map.of(), List.of(0.0), List.of(),
                null, "", null, Instant.EPOCH, 1.0, issues);
    }

    @Test
    void theSectionAppearsOnlyWithIssuesAndIsCapped() throws Exception {
        StringBuilder none = new StringBuilder();
        HtmlReport.appendNumericalIssues(none, List.of(attack("cw-plain", List.of())), List.of());
        assertEquals("", none.toString());

        List<NumericalIssue> many = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            many.add(new NumericalIssue("cw", "sample " + i, 3, "non-finite gradient",
                    "restarted from the last finite point with step 0.025"));
        }
        StringBuilder h = new StringBuilder();
        HtmlReport.appendNumericalIssues(h, List.of(attack("cw-nan", many)), List.of());
        String html = h.toString();
        assertTrue(html.contains("<h2>Numerical issues</h2>"));
        assertEquals(20, html.split("non-finite gradient", -1).length - 1, "20 rows shown");
        assertTrue(html.contains("... and 3 more"));

        // a record read back from JSON (resume) keeps its issues; an old record without the field has none
        AttackRecord back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(attack("cw-nan", many)), AttackRecord.class);
        assertEquals(many, back.numericalIssues());
        com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.valueToTree(attack("cw-old", many));
        tree.remove("numericalIssues");
        assertTrue(Json.MAPPER.treeToValue(tree, AttackRecord.class).numericalIssues().isEmpty());
    }
}
