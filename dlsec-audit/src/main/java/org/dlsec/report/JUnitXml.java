package org.dlsec.report;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The audit as JUnit XML ({@code report.junit.xml}, the Surefire/Ant format that Jenkins, GitLab and GitHub show as
 * test results): one test case per gate (failed when the gate failed) and one per attack run (passed, with its
 * headline figures as output), and one skipped case per family the audit did not evaluate, with the reason.
 */
public final class JUnitXml {
    private JUnitXml() {}

    private record Run(String id, double seconds) {}

    private record Case(String classname, String name, double seconds, String failure, String skipped, String out) {}

    /** The XML text of {@code report}. */
    public static String of(AuditReport report) {
        List<Case> cases = new ArrayList<>();
        for (Gate.Result g : report.gates()) {
            cases.add(new Case("dlsec.audit.gates", g.gate(), 0, g.passed() ? null : g.message(), null, g.message()));
        }
        List<Metrics.Metric> metrics = report.metrics();
        for (AuditReport.Family f : report.families()) {
            String cls = "dlsec.audit." + f.family();
            List<Run> runs = new ArrayList<>();
            f.attacks().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.faults().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.poisons().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.privacy().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.extraction().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.scans().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.maskingChecks().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.certifications().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            f.sideChannels().forEach(r -> runs.add(new Run(r.id(), r.seconds())));
            if (runs.isEmpty()) {
                cases.add(new Case(cls, f.family(), 0, null, f.summary(), null));
                continue;
            }
            for (Run run : runs) {
                StringBuilder out = new StringBuilder(f.title()).append(": ").append(f.verdict()).append('\n');
                for (Metrics.Metric m : metrics) {
                    if (m.family().equals(f.family()) && m.id().equals(run.id()) && !m.name().contains("@")) {
                        out.append(m.name()).append(" = ").append(Metrics.number(m.value()));
                        if (m.interval() != null) {
                            out.append(String.format(Locale.ROOT, " (95%% interval %s to %s, n=%d)",
                                    Metrics.number(m.interval().lower()), Metrics.number(m.interval().upper()), m.samples()));
                        }
                        out.append('\n');
                    }
                }
                cases.add(new Case(cls, run.id(), run.seconds(), null, null, out.toString()));
            }
        }
        return write(report, cases);
    }

    private static String write(AuditReport report, List<Case> cases) {
        StringWriter sw = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(sw);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "dlsec audit of " + report.model().describe());
            x.writeAttribute("tests", Integer.toString(cases.size()));
            x.writeAttribute("failures", Long.toString(cases.stream().filter(c -> c.failure() != null).count()));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", Long.toString(cases.stream().filter(c -> c.skipped() != null).count()));
            x.writeAttribute("time", seconds(cases.stream().mapToDouble(Case::seconds).sum()));
            x.writeAttribute("timestamp", report.started().toString());
            x.writeCharacters("\n");
            for (Case c : cases) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", c.classname());
                x.writeAttribute("name", c.name());
                x.writeAttribute("time", seconds(c.seconds()));
                if (c.failure() != null) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", c.failure());
                    x.writeAttribute("type", "gate");
                    x.writeCharacters(c.failure());
                    x.writeEndElement();
                }
                if (c.skipped() != null) {
                    x.writeStartElement("skipped");
                    x.writeAttribute("message", c.skipped());
                    x.writeEndElement();
                }
                if (c.out() != null) {
                    x.writeStartElement("system-out");
                    x.writeCharacters(c.out());
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing JUnit XML", e);
        }
        return sw.toString();
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
