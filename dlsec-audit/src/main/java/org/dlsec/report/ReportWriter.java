package org.dlsec.report;

import java.nio.file.Path;
import java.util.List;
import org.dlsec.core.AtomicFiles;
import org.dlsec.core.Json;

/**
 * Writes an {@link AuditReport} as {@code report.json}, {@code samples.csv}, {@code index.html} and
 * {@code report.junit.xml}.
 */
public final class ReportWriter {
    private ReportWriter() {}

    public static void write(AuditReport report, Path dir) {
        Json.write(dir.resolve("report.json"), report);
        writeText(dir.resolve("samples.csv"), samplesCsv(report));
        writeText(dir.resolve("index.html"), HtmlReport.render(report));
        writeText(dir.resolve("report.junit.xml"), JUnitXml.of(report));
    }

    /** One row per audited sample; per attack run: adversarial prediction, success, L0/L2/L∞, queries. */
    static String samplesCsv(AuditReport report) {
        List<AttackRecord> runs = report.families().stream().flatMap(f -> f.attacks().stream()).toList();
        StringBuilder b = new StringBuilder("index,label,cleanPrediction");
        for (AttackRecord r : runs) {
            for (String col : new String[] {"adversarialPrediction", "success", "l0", "l2", "linf", "queries"}) {
                b.append(',').append(r.id()).append(':').append(col);
            }
        }
        b.append('\n');
        if (runs.isEmpty()) {
            return b.toString();
        }
        org.dlsec.attack.evasion.AttackResult.PerSample first = runs.get(0).samples();
        for (int i = 0; i < first.index().length; i++) {
            b.append(first.index()[i]).append(',').append(first.label()[i]).append(',').append(first.cleanPrediction()[i]);
            for (AttackRecord r : runs) {
                org.dlsec.attack.evasion.AttackResult.PerSample s = r.samples();
                b.append(',').append(s.adversarialPrediction()[i]).append(',').append(s.success()[i]).append(',')
                        .append(num(s.l0()[i])).append(',').append(num(s.l2()[i])).append(',').append(num(s.linf()[i]))
                        .append(',').append(s.queries()[i]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String num(double d) {
        return String.format(java.util.Locale.ROOT, "%.6g", d);
    }

    private static void writeText(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }
}
