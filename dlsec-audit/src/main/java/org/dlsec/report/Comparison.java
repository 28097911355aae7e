package org.dlsec.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.metric.Interval;

/**
 * Two audits side by side ({@code dlsec compare}): every figure both measured, for the same family, run id and
 * metric, with the change and whether the 95% intervals overlap, so a reader sees whether a defence, a
 * quantisation or a retraining changed a result by more than the sample can tell. Figures only one audit measured
 * are listed by name.
 *
 * @param before what the first report audited (model, data)
 * @param after what the second report audited
 * @param rows the figures both audits measured, in the first report's order
 * @param onlyBefore figures ({@code family.run.metric}) only the first audit measured
 * @param onlyAfter figures only the second audit measured
 */
public record Comparison(Side before, Side after, List<Row> rows, List<String> onlyBefore, List<String> onlyAfter) {
    /** Largest {@code report.json} read (a report with every per-sample array and image grid is a few MiB). */
    public static final long MAX_REPORT_BYTES = 256L << 20;

    /**
     * One audit of the comparison.
     *
     * @param dir the audit's output directory
     * @param model the model audited
     * @param sha256 the model file's hash
     * @param dataset data name and split
     * @param samples audited samples
     * @param seed the audit's seed
     */
    public record Side(String dir, String model, String sha256, String dataset, int samples, long seed) {}

    /**
     * One figure in both audits.
     *
     * @param family evasion, fault, poisoning, privacy or extraction
     * @param id the run's id
     * @param attack its attack
     * @param metric the metric
     * @param before its value in the first audit
     * @param beforeInterval its 95% interval there, or null
     * @param after its value in the second audit
     * @param afterInterval its 95% interval there, or null
     * @param change after − before
     * @param overlap whether the intervals overlap (null when a figure has none): false means the change is larger
     *        than the samples' uncertainty
     */
    public record Row(String family, String id, String attack, String metric, double before, Interval beforeInterval,
            double after, Interval afterInterval, double change, Boolean overlap) {
        public String path() {
            return family + "." + id + "." + metric;
        }
    }

    /** Compares the reports in {@code beforeDir} and {@code afterDir}. */
    public static Comparison of(Path beforeDir, Path afterDir) {
        return of(read(beforeDir), beforeDir.toString(), read(afterDir), afterDir.toString());
    }

    /** Compares two reports. */
    public static Comparison of(AuditReport before, String beforeName, AuditReport after, String afterName) {
        Map<String, Metrics.Metric> a = index(after.metrics());
        Map<String, Metrics.Metric> b = index(before.metrics());
        List<Row> rows = new ArrayList<>();
        List<String> onlyBefore = new ArrayList<>();
        for (Metrics.Metric m : b.values()) {
            Metrics.Metric n = a.get(m.path());
            if (n == null) {
                onlyBefore.add(m.path());
                continue;
            }
            Boolean overlap = m.interval() == null || n.interval() == null ? null : m.interval().overlaps(n.interval());
            rows.add(new Row(m.family(), m.id(), m.attack(), m.name(), m.value(), m.interval(), n.value(), n.interval(),
                    n.value() - m.value(), overlap));
        }
        List<String> onlyAfter = a.keySet().stream().filter(k -> !b.containsKey(k)).toList();
        return new Comparison(side(before, beforeName), side(after, afterName), rows, onlyBefore, onlyAfter);
    }

    public Comparison {
        rows = List.copyOf(rows);
        onlyBefore = List.copyOf(onlyBefore);
        onlyAfter = List.copyOf(onlyAfter);
    }

    /** The row of {@code family.id.metric}, or null. */
    public Row row(String path) {
        return rows.stream().filter(r -> r.path().equals(path)).findFirst().orElse(null);
    }

    private static Map<String, Metrics.Metric> index(List<Metrics.Metric> metrics) {
        Map<String, Metrics.Metric> m = new LinkedHashMap<>();
        for (Metrics.Metric x : metrics) {
            m.putIfAbsent(x.path(), x);
        }
        return m;
    }

    private static Side side(AuditReport r, String dir) {
        return new Side(dir, r.model().source(), r.model().sha256(), r.dataset().name() + "/" + r.dataset().split(),
                r.dataset().samples(), r.seed());
    }

    /** The {@code report.json} of an audit directory (or the file itself); bad input gives one line naming the file. */
    public static AuditReport read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("report.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new DlsecException(file + ": no such report (give an audit's --out directory or its report.json)");
        }
        try {
            long size = Files.size(file);
            if (size > MAX_REPORT_BYTES) {
                throw new DlsecException(file + ": " + size + " bytes, more than the " + MAX_REPORT_BYTES
                        + " a report may have");
            }
            AuditReport r = Json.MAPPER.readValue(file.toFile(), AuditReport.class);
            if (r == null || !AuditReport.SCHEMA.equals(r.schema()) || r.families() == null || r.dataset() == null
                    || r.model() == null) {
                throw new DlsecException(file + ": not a dlsec audit report (schema " + AuditReport.SCHEMA + ")");
            }
            return r;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String where = l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
            throw new DlsecException(file + where + ": not a dlsec audit report: " + e.getOriginalMessage()
                    .lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new DlsecException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The comparison as a self-contained HTML page. */
    public String html() {
        StringBuilder h = new StringBuilder(1 << 14);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>dlsec compare</title><style>")
                .append("body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;color:#1d2330}")
                .append("table{border-collapse:collapse;font-size:14px}th,td{padding:4px 8px;border-bottom:1px solid #e5e8ee;")
                .append("text-align:right}th{background:#eef0f4}td.l,th.l{text-align:left}.ci{color:#6b7280;font-size:12px}")
                .append("tr.sig td{font-weight:600}.up{color:#2e7d32}.down{color:#c62828}")
                .append("</style></head><body><h1>dlsec compare</h1><table><thead><tr><th class=\"l\"></th>")
                .append("<th class=\"l\">before</th><th class=\"l\">after</th></tr></thead><tbody>");
        sideRow(h, "directory", before.dir(), after.dir());
        sideRow(h, "model", before.model(), after.model());
        sideRow(h, "sha256", before.sha256(), after.sha256());
        sideRow(h, "data", before.dataset() + ", " + before.samples() + " samples",
                after.dataset() + ", " + after.samples() + " samples");
        sideRow(h, "seed", Long.toString(before.seed()), Long.toString(after.seed()));
        h.append("</tbody></table>\n<p>Bold rows: the 95% intervals do not overlap (the change is larger than the samples"
                + " can blur). Intervals: Wilson for rates counted on samples, bootstrap for AUC.</p>")
                .append("<table id=\"compare\"><thead><tr><th class=\"l\">family</th><th class=\"l\">run</th>")
                .append("<th class=\"l\">metric</th><th>before</th><th>after</th><th>change</th><th>intervals overlap</th>")
                .append("</tr></thead><tbody>");
        for (Row r : rows) {
            boolean sig = Boolean.FALSE.equals(r.overlap());
            h.append("<tr").append(sig ? " class=\"sig\"" : "").append("><td class=\"l\">").append(esc(r.family()))
                    .append("</td><td class=\"l\">").append(esc(r.id())).append("</td><td class=\"l\">").append(esc(r.metric()))
                    .append("</td><td>").append(value(r.before(), r.beforeInterval())).append("</td><td>")
                    .append(value(r.after(), r.afterInterval())).append("</td><td class=\"")
                    .append(r.change() > 0 ? "up" : r.change() < 0 ? "down" : "").append("\">")
                    .append(Double.isNaN(r.change()) ? "—" : String.format(Locale.ROOT, "%+.4g", r.change()))
                    .append("</td><td>").append(r.overlap() == null ? "—" : r.overlap() ? "yes" : "no").append("</td></tr>");
        }
        h.append("</tbody></table>\n");
        only(h, "Only in the first audit", onlyBefore);
        only(h, "Only in the second audit", onlyAfter);
        return h.append("</body></html>\n").toString();
    }

    private static void sideRow(StringBuilder h, String what, String a, String b) {
        h.append("<tr><td class=\"l\">").append(what).append("</td><td class=\"l\">").append(esc(a))
                .append("</td><td class=\"l\">").append(esc(b)).append("</td></tr>");
    }

    private static void only(StringBuilder h, String title, List<String> paths) {
        if (!paths.isEmpty()) {
            h.append("<h2>").append(title).append("</h2><p>").append(esc(String.join(", ", paths))).append("</p>\n");
        }
    }

    private static String value(double v, Interval i) {
        if (Double.isNaN(v)) {
            return "—";
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        return i == null ? s : s + " <span class=\"ci\">[" + String.format(Locale.ROOT, "%.4g", i.lower()) + ", "
                + String.format(Locale.ROOT, "%.4g", i.upper()) + "]</span>";
    }

    private static String esc(String s) {
        return s == null ? "" : HtmlReport.esc(s);
    }
}
