package org.dlsec.audit;

import com.fasterxml.jackson.databind.JsonNode;

/** Public door to {@link ReportComparison} for tests in other packages. */
public final class ReportComparisonAccess {
    private ReportComparisonAccess() {}

    public static JsonNode withoutTimings(JsonNode n) {
        return ReportComparison.withoutTimings(n);
    }

    public static String firstDifference(JsonNode a, JsonNode b) {
        return ReportComparison.firstDifference(a, b, "");
    }
}
