package org.dlsec.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.dlsec.core.Json;
import org.dlsec.report.AuditReport;

/** Reports compared without the fields that measure time. */
final class ReportComparison {
    private ReportComparison() {}

    static JsonNode withoutTimings(AuditReport r) {
        try { // through the text, as report.json holds it (a Long and an Integer 3 are the same number there)
            return strip(Json.MAPPER.readTree(Json.toString(r)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode withoutTimings(JsonNode n) {
        return strip(n.deepCopy());
    }

    /** The JSON path of the first difference, or null when equal (a readable message instead of two dumps). */
    static String firstDifference(JsonNode a, JsonNode b, String path) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                JsonNode x = a.get(f);
                JsonNode y = b.get(f);
                if (x == null || y == null) {
                    return path + "/" + f + " present only on one side";
                }
                String d = firstDifference(x, y, path + "/" + f);
                if (d != null) {
                    return d;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = firstDifference(a.get(i), b.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        String sa = a.toString();
        String sb = b.toString();
        return path + ": " + sa.substring(0, Math.min(200, sa.length())) + " vs " + sb.substring(0, Math.min(200, sb.length()));
    }

    private static JsonNode strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(java.util.List.of("seconds", "samplesPerSecond", "started", "finished", "machine"));
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                strip(it.next().getValue());
            }
        } else if (n instanceof com.fasterxml.jackson.databind.node.ArrayNode arr) {
            // metrics[]: the timing figures are rows named "seconds"
            for (int i = arr.size() - 1; i >= 0; i--) {
                if (arr.get(i).path("name").asText().equals("seconds") && arr.get(i).has("family")) {
                    arr.remove(i);
                }
            }
            for (JsonNode c : arr) {
                strip(c);
            }
        }
        return n;
    }
}
