package org.dlsec.report;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * A pass/fail condition on one figure of an audit, for CI pipelines: {@code family.run.metric OP value}, e.g.
 * {@code evasion.pgd.robustAccuracy >= 0.4}, {@code privacy.lira.tprAt1Fpr <= 0.02} or
 * {@code scan.cleanse.backdoored == false} ({@code true} and {@code false} are 1 and 0). The metric is named as in
 * {@link Metrics}; {@code .lower} or {@code .upper} after it tests an end of its 95% interval instead of the value
 * ({@code evasion.pgd.robustAccuracy.lower >= 0.4}: "robust with confidence"). {@code run} is the run's id or, when
 * one run has it, the attack's name. A gate on a figure the audit did not measure fails.
 *
 * @param text the gate as written
 * @param family the family
 * @param run the run's id or attack name
 * @param metric the metric name (with any {@code @ε} or {@code @N})
 * @param bound {@code value}, {@code lower} or {@code upper}
 * @param op the comparison
 * @param threshold the number compared with
 */
public record Gate(String text, String family, String run, String metric, String bound, String op, double threshold) {
    private static final Pattern FORM = Pattern.compile(
            "\\s*([A-Za-z]+)\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9]+(?:@[0-9.eE+-]+)?)(?:\\.(lower|upper))?\\s*"
                    + "(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    /** The outcome of a gate. */
    public record Result(String gate, boolean passed, Double actual, String message) {}

    /** Parses {@code text}; the error names what is wrong (the caller adds where). */
    public static Gate parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new DlsecException("gate '" + Text.echo(text) + "' is not 'family.run.metric OP number' (OP one of"
                    + " >=, <=, >, <, ==, !=), e.g. 'evasion.pgd.robustAccuracy >= 0.4'");
        }
        String family = m.group(1).toLowerCase(Locale.ROOT);
        if (family.equals("faults")) {
            family = "fault";
        }
        if (!Metrics.FAMILIES.contains(family)) {
            throw new DlsecException("gate '" + Text.echo(text) + "': unknown family '" + Text.echo(m.group(1))
                    + "', expected one of " + String.join(", ", Metrics.FAMILIES));
        }
        String metric = m.group(3);
        String base = metric.contains("@") ? metric.substring(0, metric.indexOf('@')) : metric;
        if (metric.contains("@")) {
            // written as the report writes it: 0.10 and 1e-1 are 0.1
            try {
                metric = base + "@" + Metrics.number(Double.parseDouble(metric.substring(base.length() + 1)));
            } catch (NumberFormatException e) {
                throw new DlsecException("gate '" + Text.echo(text) + "': '" + Text.echo(metric.substring(base.length() + 1))
                        + "' after '@' is not a number");
            }
        }
        List<String> names = Metrics.names(family);
        if (!names.contains(base)) {
            throw new DlsecException("gate '" + Text.echo(text) + "': " + family + " has no metric '" + Text.echo(base)
                    + "', expected one of " + String.join(", ", names));
        }
        double threshold;
        try {
            // a yes/no figure (scan.*.backdoored) is 1 or 0
            String t = m.group(6).toLowerCase(Locale.ROOT);
            threshold = t.equals("true") ? 1 : t.equals("false") ? 0 : Double.parseDouble(m.group(6));
        } catch (NumberFormatException e) {
            throw new DlsecException("gate '" + Text.echo(text) + "': '" + Text.echo(m.group(6)) + "' is not a number");
        }
        DlsecException.require(Double.isFinite(threshold), "gate '" + Text.echo(text) + "'", "the threshold must be finite");
        return new Gate(text.trim(), family, m.group(2), metric, m.group(4) == null ? "value" : m.group(4), m.group(5),
                threshold);
    }

    /** Checks the gate against an audit's figures. */
    public Result check(List<Metrics.Metric> metrics) {
        List<Metrics.Metric> ofRun = metrics.stream().filter(x -> x.family().equals(family) && x.id().equals(run)).toList();
        if (ofRun.isEmpty()) {
            List<String> ids = metrics.stream().filter(x -> x.family().equals(family) && x.attack().equals(run))
                    .map(Metrics.Metric::id).distinct().toList();
            if (ids.size() > 1) {
                return new Result(text, false, null, "'" + run + "' names " + ids.size() + " runs (" + String.join(", ", ids)
                        + "): name one by its id");
            }
            ofRun = ids.isEmpty() ? List.of() : metrics.stream()
                    .filter(x -> x.family().equals(family) && x.id().equals(ids.get(0))).toList();
        }
        if (ofRun.isEmpty()) {
            return new Result(text, false, null, "no " + family + " run '" + run + "' in this audit (not run or not"
                    + " applicable to the model)");
        }
        Metrics.Metric found = ofRun.stream().filter(x -> x.name().equals(metric)).findFirst().orElse(null);
        if (found == null) {
            return new Result(text, false, null, run + " has no measured " + metric + " (measured: "
                    + String.join(", ", ofRun.stream().map(Metrics.Metric::name).toList()) + ")");
        }
        double v;
        if (bound.equals("value")) {
            v = found.value();
        } else if (found.interval() == null) {
            return new Result(text, false, null, metric + " has no interval (it is not a rate measured on a sample)");
        } else {
            v = bound.equals("lower") ? found.interval().lower() : found.interval().upper();
        }
        if (Double.isNaN(v)) {
            return new Result(text, false, null, metric + " is undefined (NaN) in this audit");
        }
        boolean ok = switch (op) {
            case ">=" -> v >= threshold;
            case "<=" -> v <= threshold;
            case ">" -> v > threshold;
            case "<" -> v < threshold;
            case "==" -> v == threshold;
            default -> v != threshold;
        };
        String what = bound.equals("value") ? metric : metric + "." + bound;
        return new Result(text, ok, v, String.format(Locale.ROOT, "%s is %s, %s %s %s", what, Metrics.number(v),
                ok ? "meets" : "fails", op, Metrics.number(threshold)));
    }
}
