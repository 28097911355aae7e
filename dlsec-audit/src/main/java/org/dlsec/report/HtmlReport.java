package org.dlsec.report;

import java.util.List;
import java.util.Locale;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.metric.Interval;

/**
 * Renders an {@link AuditReport} as one self-contained HTML page: inline CSS, charts and image
 * grids as data URIs, no script or font from the network. Verdict first, then the comparison table
 * of the surveys, robustness curves, examples, a glossary and the provenance.
 */
public final class HtmlReport {
    private HtmlReport() {}

    private static final String CSS = """
            body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
            main{max-width:1100px;margin:0 auto;padding:24px}
            h1{margin:0 0 4px;font-size:26px} h2{margin:32px 0 12px;font-size:20px;border-bottom:2px solid #d9dde5;padding-bottom:4px}
            .sub{color:#5b6372;font-size:14px}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
            .card{background:#fff;border-radius:8px;padding:14px 16px;border-left:6px solid #9aa3b2;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            .card.vulnerable{border-left-color:#c62828} .card.resists{border-left-color:#2e7d32} .card.not{border-left-color:#b0b6c2;color:#6b7280}
            .verdict{font-weight:700;text-transform:uppercase;font-size:13px;letter-spacing:.04em}
            .vulnerable .verdict{color:#c62828} .resists .verdict{color:#2e7d32}
            table{border-collapse:collapse;width:100%;background:#fff;font-size:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            th,td{padding:6px 8px;border-bottom:1px solid #e5e8ee;text-align:right} th{background:#eef0f4;font-weight:600}
            td:first-child,th:first-child,td.l,th.l{text-align:left}
            .charts{display:flex;flex-wrap:wrap;gap:12px} .charts img{background:#fff;border-radius:6px;max-width:100%}
            .grids{display:flex;flex-wrap:wrap;gap:16px} figure{margin:0;background:#fff;padding:8px;border-radius:6px}
            figcaption{font-size:13px;color:#5b6372;margin-top:4px}
            dl{background:#fff;padding:12px 16px;border-radius:6px} dt{font-weight:600;margin-top:8px} dd{margin:2px 0 0 0;color:#374151}
            pre{background:#fff;padding:12px;border-radius:6px;overflow:auto;font-size:12px}
            #js-errors{color:#c62828} #js-errors:empty{display:none}
            .ci{color:#6b7280;font-size:12px;white-space:nowrap} tr.fail td{color:#c62828;font-weight:600}
            """;

    /**
     * A small self-check: script errors and console errors are listed in {@code #js-errors}; once
     * loaded, the body carries {@code data-rendered="ok"} and the counts of decoded images, broken
     * images and tables, so a headless browser (and a curious reader) can see the page is whole.
     */
    private static final String SELF_CHECK = """
            (function(){var errs=[];function note(m){errs.push(m);var e=document.getElementById('js-errors');if(e){e.textContent+=m+'\\n';}}
            window.onerror=function(m){note('script error: '+m);};
            var ce=console.error;console.error=function(){note('console error: '+Array.prototype.join.call(arguments,' '));if(ce){ce.apply(console,arguments);}};
            window.addEventListener('load',function(){var imgs=document.images,ok=0,bad=0;
            for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0){ok++;}else{bad++;note('image not decoded: '+(imgs[i].alt||i));}}
            var b=document.body;b.setAttribute('data-images',ok);b.setAttribute('data-broken-images',bad);
            b.setAttribute('data-tables',document.getElementsByTagName('table').length);b.setAttribute('data-errors',errs.length);
            var ts=document.querySelectorAll('table.sortable');for(var t=0;t<ts.length;t++){(function(tb){var hs=tb.tHead.rows[0].cells;
            for(var c=0;c<hs.length;c++){(function(ci){hs[ci].style.cursor='pointer';hs[ci].onclick=function(){var body=tb.tBodies[0],rs=Array.prototype.slice.call(body.rows);
            var dir=tb.getAttribute('data-col')==String(ci)&&tb.getAttribute('data-dir')=='1'?-1:1;tb.setAttribute('data-col',ci);tb.setAttribute('data-dir',dir);
            rs.sort(function(a,b){var x=a.cells[ci],y=b.cells[ci],p=x.getAttribute('data-sort'),q=y.getAttribute('data-sort');
            if(p!==null&&q!==null&&p!==''&&q!==''){return dir*(parseFloat(p)-parseFloat(q));}return dir*x.textContent.localeCompare(y.textContent);});
            for(var i=0;i<rs.length;i++){body.appendChild(rs[i]);}};})(c);}})(ts[t]);}
            b.setAttribute('data-rendered','ok');});})();
            """;

    public static String render(AuditReport r) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>dlsec audit — ").append(esc(r.model().source())).append("</title>")
                .append("<style>").append(CSS).append("</style>")
                .append("<script>").append(SELF_CHECK).append("</script></head><body><main>\n");
        h.append("<h1>dlsec security audit</h1><div class=\"sub\">Model <b>").append(esc(r.model().source()))
                .append("</b> (").append(esc(r.model().kind())).append(", sha256 ").append(esc(shortHash(r.model().sha256())))
                .append(") · data <b>").append(esc(r.dataset().name())).append('/').append(esc(r.dataset().split()))
                .append("</b>, ").append(r.dataset().samples()).append(" samples · clean accuracy <b>")
                .append(pct(r.cleanAccuracy())).append("</b> · seed ").append(r.seed()).append(" · ")
                .append(esc(String.valueOf(r.finished()))).append("</div><pre id=\"js-errors\"></pre>\n");

        appendThreatMatrix(h, r);

        h.append("<h2>Verdict</h2><div class=\"cards\">");
        for (AuditReport.Family f : r.families()) {
            String cls = f.verdict().equals("vulnerable") ? "vulnerable"
                    : f.verdict().startsWith("resists") || f.verdict().equals("certified") ? "resists" : "not";
            h.append("<div class=\"card ").append(cls).append("\"><div class=\"verdict\">").append(esc(f.verdict()))
                    .append("</div><div><b>").append(esc(f.title())).append("</b></div><div>").append(esc(f.summary()))
                    .append("</div></div>");
        }
        h.append("</div>\n");
        if (!r.gates().isEmpty()) {
            long failed = r.failedGates().size();
            h.append("<h2>Gates</h2><p class=\"sub\">").append(failed == 0 ? "All " + r.gates().size() + " gates passed."
                    : failed + " of " + r.gates().size() + " gates failed (dlsec audit exits with 3).")
                    .append("</p><table id=\"gates\"><thead><tr><th class=\"l\">gate</th><th>result</th>")
                    .append("<th class=\"l\">measured</th></tr></thead><tbody>");
            for (Gate.Result g : r.gates()) {
                h.append("<tr class=\"").append(g.passed() ? "pass" : "fail").append("\"><td class=\"l\"><code>")
                        .append(esc(g.gate())).append("</code></td><td>").append(g.passed() ? "pass" : "FAIL")
                        .append("</td><td class=\"l\">").append(esc(g.message())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }

        List<AttackRecord> runs = r.families().stream().flatMap(f -> f.attacks().stream()).toList();
        if (!runs.isEmpty()) {
            h.append("<h2>Attacks compared</h2><p class=\"sub\">The comparison table of the surveys, regenerated from this run:"
                    + " each attack at its largest budget. Success counts only samples the model classified correctly before"
                    + " the attack; distances are means over successful samples.</p>");
            h.append("<table id=\"comparison\"><thead><tr><th class=\"l\">attack</th><th class=\"l\">knowledge</th>")
                    .append("<th>norm</th><th>ε</th><th>robust acc.</th><th>success</th><th>mean L0</th><th>mean L2</th>")
                    .append("<th>mean L∞</th><th>queries</th><th>gradients</th><th>seconds</th></tr></thead><tbody>");
            for (AttackRecord a : runs) {
                AttackResult.Summary s = a.last();
                h.append("<tr><td>").append(esc(a.id())).append("</td><td class=\"l\">").append(esc(a.knowledge()))
                        .append(a.gradients() == null || a.gradients().equals("none") ? "" : " (" + esc(a.gradients()) + ")")
                        .append("</td><td>").append(esc(a.norm())).append("</td><td>")
                        .append(esc(budget(a))).append("</td><td>")
                        .append(pct(s.robustAccuracy(), s.samples())).append("</td><td>")
                        .append(pct(s.successRate(), s.correctBefore())).append("</td><td>")
                        .append(num(s.meanL0())).append("</td><td>").append(num(s.meanL2())).append("</td><td>")
                        .append(num(s.meanLinf())).append("</td><td>").append(num(s.meanQueries())).append("</td><td>")
                        .append(num(s.meanGradients())).append("</td><td>").append(String.format(Locale.ROOT, "%.1f", a.seconds()))
                        .append("</td></tr>");
            }
            h.append("</tbody></table>\n");
            appendDefence(h, runs);

            h.append("<h2>Robustness</h2><p class=\"sub\">Accuracy under attack as the budget ε grows. A curve that"
                    + " falls fast means small, invisible perturbations suffice.</p><div class=\"charts\">");
            for (String norm : new String[] {"linf", "l2"}) {
                if (Charts.hasCurve(runs, norm)) {
                    h.append("<img class=\"chart\" alt=\"robust accuracy vs epsilon, ").append(norm)
                            .append("\" src=\"data:image/png;base64,").append(Charts.robustnessCurves(runs, norm, r.cleanAccuracy()))
                            .append("\">");
                }
            }
            h.append("<img class=\"chart\" alt=\"attack success\" src=\"data:image/png;base64,")
                    .append(Charts.successBars(runs)).append("\"></div>\n");

            if (runs.stream().anyMatch(a -> a.imageGridPng() != null)) {
                h.append("<h2>Examples</h2><p class=\"sub\">Original, perturbation (amplified, grey = unchanged) and"
                        + " adversarial example with the model's prediction, at each attack's largest budget.</p>"
                        + "<div class=\"grids\">");
                for (AttackRecord a : runs) {
                    if (a.imageGridPng() == null) {
                        continue;
                    }
                    h.append("<figure><img alt=\"examples of ").append(esc(a.id())).append("\" src=\"data:image/png;base64,")
                            .append(a.imageGridPng()).append("\"><figcaption>").append(esc(a.id()))
                            .append(a.parameters().containsKey("eps") ? ", ε=" + esc(budget(a)) : ", minimal").append(' ')
                            .append(esc(a.norm()))
                            .append("</figcaption></figure>");
                }
                h.append("</div>\n");
            }
            if (runs.stream().anyMatch(a -> a.featureChanges() != null)) {
                h.append("<h2>Features changed</h2><p class=\"sub\">For feature vectors: the features each attack changed"
                        + " most at its largest budget, on average (original → adversarial mean, mean absolute change,"
                        + " share of samples changed) and in a few samples (successful ones first).</p>\n");
                for (AttackRecord a : runs) {
                    if (a.featureChanges() != null) {
                        featureChanges(h, a);
                    }
                }
            }
        }

        List<FaultRecord> faults = r.families().stream().flatMap(f -> f.faults().stream()).toList();
        if (!faults.isEmpty()) {
            h.append("<h2>Hardware faults</h2><p class=\"sub\">Bit flips in the int8-quantised weights, as a rowhammer"
                    + " or laser fault injection would cause: chosen by the Bit-Flip Attack (Rakin et al. 2019), which ranks"
                    + " bits by the loss gradient, or uniformly at random.</p>");
            h.append("<table id=\"faults\"><thead><tr><th>experiment</th><th class=\"l\">kind</th><th>float32 acc.</th>"
                    + "<th>int8 acc.</th><th>flipped bits</th><th>of weight bits</th><th>accuracy after</th><th>worst</th>"
                    + "<th>seconds</th></tr></thead><tbody>");
            for (FaultRecord f : faults.stream().filter(f -> f.trojan() == null).toList()) {
                int n = f.flips().get(f.flips().size() - 1);
                h.append("<tr><td>").append(esc(f.id())).append("</td><td class=\"l\">")
                        .append(f.fault().equals("bfa") ? "Bit-Flip Attack (white box)" : "random bit flips")
                        .append("</td><td>").append(pct(f.floatAccuracy())).append("</td><td>").append(pct(f.int8Accuracy()))
                        .append("</td><td>").append(n).append("</td><td>").append(String.format(Locale.ROOT, "%,d", f.weightBits()))
                        .append("</td><td>").append(pct(f.accuracy().get(f.accuracy().size() - 1))).append("</td><td>")
                        .append(pct(f.worstAccuracy())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f", f.seconds())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
            List<FaultRecord> flips = faults.stream().filter(f -> f.trojan() == null).toList();
            if (!flips.isEmpty()) {
                h.append("<div class=\"charts\"><img class=\"chart\" alt=\"accuracy vs flipped bits\""
                        + " src=\"data:image/png;base64,").append(Charts.faultCurves(flips)).append("\"></div>\n");
            }
            List<FaultRecord> trojans = faults.stream().filter(f -> f.trojan() != null).toList();
            if (!trojans.isEmpty()) {
                h.append("<p class=\"sub\">Hardware trojans (Clements and Lao 2018): a few gates added to the"
                        + " accelerator watch one neuron of the first convolution and force a class when a trigger patch wakes"
                        + " it.</p><table id=\"trojans\"><thead><tr><th>experiment</th><th>target class</th>"
                        + "<th>clean acc. before</th><th>clean acc. with trojan</th><th>clean predictions changed</th>"
                        + "<th>fired on clean</th><th>trigger success</th><th>triggered inputs</th><th>seconds</th></tr></thead>"
                        + "<tbody>");
                for (FaultRecord f : trojans) {
                    FaultRecord.Trojan t = f.trojan();
                    h.append("<tr><td>").append(esc(f.id())).append("</td><td>").append(t.target()).append("</td><td>")
                            .append(pct(t.cleanAccuracy())).append("</td><td>").append(pct(t.trojanedCleanAccuracy()))
                            .append("</td><td>").append(t.changedCleanPredictions()).append("</td><td>")
                            .append(t.firedOnClean()).append("</td><td>").append(pct(t.triggerSuccessRate(), t.triggeredSamples()))
                            .append("</td><td>").append(t.triggeredSamples()).append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.1f", f.seconds())).append("</td></tr>");
                }
                h.append("</tbody></table>\n");
            }
        }

        List<PoisonRecord> poisons = r.families().stream().flatMap(f -> f.poisons().stream()).toList();
        if (!poisons.isEmpty()) {
            h.append("<h2>Poisoning and backdoors</h2><p class=\"sub\">The model's architecture trained twice with the same"
                    + " seed and schedule, on the clean training set and on a poisoned copy; both scored on the audited test"
                    + " images. A backdoor is dangerous when it fires reliably and clean accuracy does not betray it.</p>");
            h.append("<table id=\"poisoning\"><thead><tr><th>experiment</th><th class=\"l\">poison</th><th>poisoned samples</th>"
                    + "<th>clean-trained acc.</th><th>poisoned-trained acc.</th><th>backdoor success</th>"
                    + "<th>trigger on clean model</th><th>seconds</th></tr></thead><tbody>");
            for (PoisonRecord p : poisons) {
                h.append("<tr><td>").append(esc(p.id())).append("</td><td class=\"l\">")
                        .append(esc(poisonName(p)))
                        .append("</td><td>").append(p.poisonedSamples()).append(" / ").append(p.trainSamples())
                        .append("</td><td>").append(pct(p.cleanModelAccuracy())).append("</td><td>")
                        .append(pct(p.poisonedModelAccuracy())).append("</td><td>")
                        .append(pct(p.attackSuccessRate(), p.triggeredSamples() == null ? 0 : p.triggeredSamples()))
                        .append("</td><td>").append(pct(p.triggerOnCleanModel())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f", p.seconds())).append("</td></tr>");
            }
            h.append("</tbody></table>\n<div class=\"grids\">");
            for (PoisonRecord p : poisons) {
                if (p.imageGridPng() != null) {
                    h.append("<figure><img alt=\"backdoor trigger examples of ").append(esc(p.id()))
                            .append("\" src=\"data:image/png;base64,").append(p.imageGridPng()).append("\"><figcaption>")
                            .append(esc(p.id())).append(": test images without and with the trigger, and the poisoned model's"
                                    + " answer</figcaption></figure>");
                }
            }
            h.append("</div>\n");
        }

        List<PrivacyRecord> privacy = r.families().stream().flatMap(f -> f.privacy().stream()).toList();
        if (!privacy.isEmpty()) {
            h.append("<h2>Membership inference and inversion</h2><p class=\"sub\">Membership inference: members are"
                    + " images that trained the model (from its card), non-members images it never saw; an AUC near 0.5 and"
                    + " a TPR near the FPR mean the attack cannot tell them apart. Inversion: MI-Face's reconstruction of"
                    + " each class from the model alone, above a real image of the class.</p>");
            List<PrivacyRecord> membership = privacy.stream().filter(p -> !p.inversion()).toList();
            if (!membership.isEmpty()) {
                h.append("<table id=\"privacy\"><thead><tr><th>run</th><th class=\"l\">attack</th><th>members / non-members</th>"
                        + "<th>AUC</th><th>balanced acc.</th><th>TPR at 0.1% FPR</th><th>TPR at 1% FPR</th><th>seconds</th>"
                        + "</tr></thead><tbody>");
                for (PrivacyRecord p : membership) {
                    h.append("<tr><td>").append(esc(p.id())).append("</td><td class=\"l\">").append(esc(p.attack()))
                            .append("</td><td>").append(p.members()).append(" / ").append(p.nonMembers()).append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.3f", p.auc())).append(ci(p.aucInterval(), false)).append("</td><td>")
                            .append(pct(p.balancedAccuracy())).append("</td><td>").append(pct(p.tprAt01Fpr(), p.members()))
                            .append("</td><td>").append(pct(p.tprAt1Fpr(), p.members())).append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.1f", p.seconds())).append("</td></tr>");
                }
                h.append("</tbody></table>\n<div class=\"charts\"><img class=\"chart\" alt=\"membership ROC curves\""
                        + " src=\"data:image/png;base64,").append(Charts.rocCurves(membership)).append("\"></div>\n");
            }
            h.append("<div class=\"grids\">");
            for (PrivacyRecord p : privacy) {
                if (p.imageGridPng() != null) {
                    h.append("<figure><img alt=\"model inversion reconstructions of ").append(esc(p.id()))
                            .append("\" src=\"data:image/png;base64,").append(p.imageGridPng()).append("\"><figcaption>")
                            .append(esc(p.id())).append(": MI-Face reconstruction of each class and the model's confidence in"
                                    + " it, above a real image of the class</figcaption></figure>");
                }
            }
            h.append("</div>\n");
        }

        List<ExtractionRecord> extraction = r.families().stream().flatMap(f -> f.extraction().stream()).toList();
        if (!extraction.isEmpty()) {
            h.append("<h2>Model extraction</h2><p class=\"sub\">An attacker who sees only the model's answers trains a"
                    + " substitute from them (equation solving, Papernot et al.'s Jacobian augmentation, Knockoff Nets,"
                    + " Copycat). Fidelity is the share of the audited test images on which the substitute and the model"
                    + " agree; transfer is how often FGSM examples crafted on the substitute fool the model.</p>");
            h.append("<table id=\"extraction\"><thead><tr><th>experiment</th><th class=\"l\">attack</th><th>queries</th>"
                    + "<th>fidelity</th><th>substitute acc.</th><th>model acc.</th><th>test images</th><th>transfer</th>"
                    + "<th>seconds</th></tr></thead><tbody>");
            for (ExtractionRecord x : extraction) {
                h.append("<tr><td>").append(esc(x.id())).append("</td><td class=\"l\">").append(esc(x.attack()))
                        .append("</td><td>").append(String.format(Locale.ROOT, "%,d", x.queries())).append("</td><td>")
                        .append(pct(x.fidelity(), x.testSamples())).append("</td><td>")
                        .append(pct(x.substituteAccuracy(), x.testSamples())).append("</td><td>")
                        .append(pct(x.targetAccuracy())).append("</td><td>").append(x.testSamples()).append("</td><td>")
                        .append(x.transferSuccess() == null ? "n/a" : pct(x.transferSuccess(), x.transferSamples()) + " at ε="
                                + esc(String.valueOf(x.transferEps())))
                        .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", x.seconds())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }

        appendScans(h, r);
        appendCertification(h, r);
        appendSideChannels(h, r);

        appendNumericalIssues(h, runs, privacy);

        h.append("<h2>What the numbers mean</h2><dl>")
                .append(term("Knowledge", "What the attacker needs: white-box = the model's gradients; score-based = its"
                        + " output probabilities; label-only = its top-1 answer; transfer = nothing of the target while crafting."))
                .append(term("ε (budget)", "The largest perturbation allowed, in the given norm, with pixels in [0, 1]:"
                        + " L∞ bounds every pixel's change (0.3 = 30% of the range), L2 the Euclidean length of the change."))
                .append(term("Robust accuracy", "Accuracy on the attacked samples after the attack."))
                .append(term("Success", "Share of the samples the model got right before the attack that the attack"
                        + " turned into errors (or, if targeted, into the target class)."))
                .append(term("L0 / L2 / L∞", "How many input values changed / the Euclidean size / the largest single"
                        + " change, averaged over successful adversarial examples."))
                .append(term("Queries, gradients", "Per sample, how many predictions and input gradients the attack asked"
                        + " of the model, including the clean and final checks: the attack's cost."))
                .append(term("Flipped bits", "Hardware faults: how many bits of the int8 weights were inverted; the"
                        + " Bit-Flip Attack picks them, random faults draw them uniformly (mean and worst of the trials)."))
                .append(term("Backdoor success", "Poisoning: the share of test images of other classes that, with the"
                        + " trigger stamped in, the poisoned model assigns to the attacker's class; next to it, the same share for"
                        + " the clean model (what the trigger does by itself)."))
                .append(term("AUC, TPR at low FPR", "Membership inference: the area under the ROC curve of the attack's"
                        + " member/non-member scores (0.5 = guessing), and the share of members it finds while wrongly"
                        + " accusing at most 0.1% / 1% of non-members (Carlini et al. 2022)."))
                .append(term("Weights exact, traces to disclosure", "Side channels: the share of the first layer's int8"
                        + " weights the power analysis recovered exactly from the simulated traces (chance 1/256 each), and"
                        + " the fewest traces from which a weight stays recovered; a countermeasure works when the same"
                        + " budget leaves the share near chance."))
                .append(term("Verdict", "Vulnerable when an attack succeeds on at least half of the correctly classified"
                        + " samples within its budget, a fault experiment halves the int8 accuracy, membership inference reaches AUC 0.6 or 5% TPR at 1% FPR, or a side channel discloses 99% of the first layer's weights (80% of the depths). \"Resists\" is not a proof of robustness: only of these attacks failing."))
                .append("</dl>\n");

        h.append("<h2>Provenance</h2><table class=\"prov\"><tbody>")
                .append(row("model", r.model().describe()))
                .append(row("model sha256", r.model().sha256()))
                .append(row("data", r.dataset().origin()))
                .append(row("sample shape, classes", r.dataset().shape() + ", " + r.dataset().numClasses() + " classes"
                        + (r.dataset().classes().isEmpty() ? "" : ": " + classList(r.dataset().classes()))))
                .append(row("input bounds", bounds(r.dataset().bounds())))
                .append(row("configuration", r.config().source() + " (sha256 " + shortHash(r.config().sha256()) + ")"))
                .append(row("versions", r.versions().toString()))
                .append(row("machine", r.machine().toString()))
                .append(row("started", String.valueOf(r.started())))
                .append(row("finished", String.valueOf(r.finished())))
                .append("</tbody></table><h2>Configuration</h2><pre>").append(esc(r.config().text())).append("</pre>")
                .append("<p class=\"sub\">report.json holds every figure above with its parameters; samples.csv the"
                        + " per-sample results. Generated by dlsec ").append(esc(r.versions().getOrDefault("dlsec", "")))
                .append(".</p></main></body></html>\n");
        return h.toString();
    }

    /** The tables of the features {@code a} changed most: on average, then per sample. */
    private static void featureChanges(StringBuilder h, AttackRecord a) {
        FeatureChanges fc = a.featureChanges();
        h.append("<h3>").append(esc(a.id())).append(a.parameters().containsKey("eps") ? ", ε=" + esc(budget(a)) : ", minimal")
                .append(' ').append(esc(a.norm())).append("</h3>");
        h.append("<table class=\"features\" id=\"features-").append(esc(a.id())).append("\"><thead><tr>"
                + "<th class=\"l\">feature</th><th>original (mean)</th><th>adversarial (mean)</th><th>mean |change|</th>"
                + "<th>samples changed</th></tr></thead><tbody>");
        for (FeatureChanges.Feature f : fc.features()) {
            h.append("<tr><td class=\"l\">").append(esc(f.name())).append("</td><td>").append(val(f.meanOriginal()))
                    .append("</td><td>").append(val(f.meanAdversarial())).append("</td><td>")
                    .append(val(f.meanAbsoluteChange())).append("</td><td>").append(pct(f.changedShare())).append("</td></tr>");
        }
        h.append("</tbody></table><p class=\"sub\">Averages over ").append(fc.samplesAveraged()).append(' ')
                .append("successful".equals(fc.over()) ? "successful adversarial examples" : "attacked samples (none succeeded)")
                .append(".</p>");
        h.append("<table class=\"features\"><thead><tr><th>sample</th><th>label</th><th>adversarial prediction</th>"
                + "<th class=\"l\">largest changes (original → adversarial)</th></tr></thead><tbody>");
        for (FeatureChanges.SampleChanges sc : fc.samples()) {
            StringBuilder ch = new StringBuilder();
            for (FeatureChanges.Change c : sc.changes()) {
                ch.append(ch.length() == 0 ? "" : "; ").append(esc(c.name())).append(": ").append(val(c.original()))
                        .append(" → ").append(val(c.adversarial()));
            }
            h.append("<tr><td>").append(sc.index()).append("</td><td>").append(sc.label()).append("</td><td>")
                    .append(sc.adversarialPrediction()).append(sc.success() ? "" : " (failed)").append("</td><td class=\"l\">")
                    .append(ch.length() == 0 ? "unchanged" : ch).append("</td></tr>");
        }
        h.append("</tbody></table>\n");
    }

    /** A feature value with four significant digits (feature units differ wildly: 0.001 to 100,000). */
    static String val(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        String t = String.format(Locale.ROOT, "%.4g", v);
        if (t.contains("e") || !t.contains(".")) {
            return t;
        }
        t = t.replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    private static String term(String t, String d) {
        return "<dt>" + esc(t) + "</dt><dd>" + esc(d) + "</dd>";
    }

    /** "0 cat, 1 dog, ..." (the first 50). */
    static String classList(List<String> names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size() && i < 50; i++) {
            s.append(i == 0 ? "" : ", ").append(i).append(' ').append(names.get(i));
        }
        return names.size() > 50 ? s + ", ... (" + names.size() + " in all)" : s.toString();
    }

    /** "[0.0, 1.0] (pixels in [0,1])" or "per feature: lower [..], upper [..] (how)". */
    static String bounds(java.util.Map<String, Object> b) {
        if (b == null) {
            return "";
        }
        if (!(b.get("lower") instanceof List<?> lo) || !(b.get("upper") instanceof List<?> hi)) {
            return String.valueOf(b);
        }
        if (lo.size() == 1 && hi.size() == 1) {
            return "[" + lo.get(0) + ", " + hi.get(0) + "] (" + b.get("how") + ")";
        }
        return "per feature, lower " + lo + ", upper " + hi + " (" + b.get("how") + ")";
    }

    private static String row(String k, String v) {
        return "<tr><th class=\"l\">" + esc(k) + "</th><td class=\"l\">" + esc(v) + "</td></tr>";
    }

    /** The largest ε of a budgeted attack; "minimal" for attacks that search the smallest perturbation. */
    static String budget(AttackRecord a) {
        return a.parameters().containsKey("eps") ? num(a.epsilons().get(a.epsilons().size() - 1)) : "minimal";
    }

    /**
     * The threat matrix: every run on the surveys' axes, sortable by a click on a column head (a small script; the
     * rows are in report order without it).
     */
    static void appendThreatMatrix(StringBuilder h, AuditReport r) {
        List<ThreatMatrix.Row> rows = r.threatMatrix();
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h2>Threat matrix</h2><p class=\"sub\">Every run of this audit on the axes the surveys compare attacks"
                + " on: when it strikes, what the adversary knows, what it wants, what it spent, and what it achieved (95%"
                + " interval in brackets). Click a column to sort.</p><table id=\"threat-matrix\" class=\"sortable\"><thead><tr>");
        for (String c : new String[] {"family", "run", "phase", "knowledge", "goal", "cost", "headline", "result"}) {
            h.append("<th class=\"l\">").append(c).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (ThreatMatrix.Row x : rows) {
            h.append("<tr><td class=\"l\">").append(esc(x.family())).append("</td><td class=\"l\">").append(esc(x.id()))
                    .append("</td><td class=\"l\">").append(esc(x.phase())).append("</td><td class=\"l\">")
                    .append(esc(x.knowledge())).append("</td><td class=\"l\">").append(esc(x.goal()))
                    .append("</td><td class=\"l\">").append(esc(x.cost())).append("</td><td class=\"l\" data-sort=\"")
                    .append(Double.isNaN(x.value()) ? "" : Double.toString(x.value())).append("\">").append(esc(x.metric()))
                    .append(" ").append(x.metric().equals("auc") || x.metric().equals("meanConfidence")
                            ? String.format(Locale.ROOT, "%.3f", x.value()) : pct(x.value()))
                    .append(ci(x.interval(), !x.metric().equals("auc"))).append("</td><td class=\"l\">")
                    .append(esc(x.result())).append("</td></tr>");
        }
        h.append("</tbody></table>\n");
    }

    /** A rate measured on {@code n} samples, with its 95% Wilson interval when it is a count out of them. */
    static String pct(double v, int n) {
        return pct(v) + ci(Interval.wilson(v, n), true);
    }

    /** An interval in small print: percentages, or plain numbers (AUC). */
    static String ci(Interval i, boolean percent) {
        if (i == null) {
            return "";
        }
        String lo = percent ? String.format(Locale.ROOT, "%.1f", 100 * i.lower()) : String.format(Locale.ROOT, "%.3f", i.lower());
        String hi = percent ? String.format(Locale.ROOT, "%.1f", 100 * i.upper()) : String.format(Locale.ROOT, "%.3f", i.upper());
        return " <span class=\"ci\" title=\"95% interval (" + i.method() + ")\">[" + lo + "–" + hi + "]</span>";
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3f", v);
    }

    private static String shortHash(String h) {
        return h == null ? "" : h.length() > 16 ? h.substring(0, 16) + "…" : h;
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The non-finite events the optimisations recovered from, when there were any (at most 20 rows per run). */
    /**
     * Against a defended model: each gradient attack with naive gradients (exact through the transformation) beside the
     * adaptive one (BPDA/EOT), and whether the naive figure is flagged as gradient masking.
     */
    private static void appendDefence(StringBuilder h, List<AttackRecord> runs) {
        List<AttackRecord> naive = runs.stream().filter(a -> a.masking() != null).toList();
        if (runs.stream().noneMatch(a -> a.gradients() != null)) {
            return;
        }
        h.append("<h2>Against the defence: naive and adaptive</h2><p class=\"sub\">The model is attacked behind its input"
                + " transformation. A naive attack takes the exact gradient through it (zero or meaningless for rounding,"
                + " the masked gradient a defence-unaware attacker sees); an adaptive one uses BPDA (the transformation's"
                + " gradient taken as the identity) and EOT (the mean over random draws), Athalye et al. 2018. A naive"
                + " robust accuracy well above the adaptive one is gradient masking: the defence only hides the"
                + " gradient, and the naive figure must not be reported as robustness.</p>");
        if (naive.isEmpty()) {
            return;
        }
        h.append("<table id=\"masking\"><thead><tr><th class=\"l\">attack</th><th>naive robust acc.</th>")
                .append("<th>adaptive robust acc.</th><th class=\"l\">adaptive gradients</th><th class=\"l\">flag</th>")
                .append("</tr></thead><tbody>");
        for (AttackRecord n : naive) {
            AttackRecord.Masking m = n.masking();
            String kind = runs.stream().filter(a -> a.id().equals(m.adaptiveId())).map(AttackRecord::gradients).findFirst()
                    .orElse("adaptive");
            h.append("<tr").append(m.flagged() ? " class=\"fail\"" : "").append("><td class=\"l\">").append(esc(n.id()))
                    .append(" / ").append(esc(m.adaptiveId())).append("</td><td>")
                    .append(pct(m.naiveRobustAccuracy(), n.last().samples())).append("</td><td>")
                    .append(pct(m.adaptiveRobustAccuracy(), n.last().samples())).append("</td><td class=\"l\">")
                    .append(esc(kind)).append("</td><td class=\"l\">")
                    .append(m.flagged() ? "GRADIENT MASKING: the naive figure overstates robustness" : "consistent")
                    .append("</td></tr>");
        }
        h.append("</tbody></table>\n");
    }

    /** Randomized-smoothing certificates and the gradient-masking checks. */
    /** The side-channel section: the power experiments' first-layer recovery, the timing experiments' depth accuracy. */
    private static void appendSideChannels(StringBuilder h, AuditReport r) {
        List<SideChannelRecord> all = r.families().stream().flatMap(f -> f.sideChannels().stream()).toList();
        if (all.isEmpty()) {
            return;
        }
        h.append("<h2>Side channels</h2><p class=\"sub\">What the implementation gives away while it runs. Power:"
                + " correlation power analysis (Batina et al. 2019) of a <em>simulated</em> int8 microcontroller that leaks"
                + " the Hamming weight of every multiply-accumulate, recovering weights byte by byte from traces of inputs"
                + " the attacker chooses; a real device's noise and alignment make it costlier. Timing: the depth of served"
                + " models predicted from their latency (Duddu et al. 2018). Chance: 1/256 per weight, the most common"
                + " depth for the timing attack.</p>");
        List<SideChannelRecord> power = all.stream().filter(x -> x.power() != null).toList();
        if (!power.isEmpty()) {
            h.append(sideChannelHead("power"))
                    .append("<th>traces</th><th>first-layer weights exact</th><th>biases exact</th>")
                    .append("<th>traces to disclosure (median, max)</th><th>not disclosed</th><th>layers attacked</th>")
                    .append("<th>seconds</th></tr></thead><tbody>");
            for (SideChannelRecord x : power) {
                SideChannelRecord.Power p = x.power();
                h.append(sideChannelRow(x))
                        .append(String.format(Locale.ROOT, "%,d", p.traces())).append("</td><td>").append(p.exact())
                        .append(" / ").append(p.weights()).append(" = ").append(pct(p.recovered(), p.weights()))
                        .append("</td><td>").append(p.biasesExact()).append(" / ").append(p.biases()).append("</td><td>")
                        .append(p.undisclosed() == p.weights() ? "–" : p.disclosureMedian() + ", " + p.disclosureMax())
                        .append("</td><td>").append(p.undisclosed()).append("</td><td>").append(p.layers().size())
                        .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", x.seconds())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }
        List<SideChannelRecord> timing = all.stream().filter(x -> x.timing() != null).toList();
        if (!timing.isEmpty()) {
            h.append(sideChannelHead("timing"))
                    .append("<th>held-out models</th><th>depth right</th><th>undefended</th><th>chance</th>")
                    .append("<th>width class right</th><th>queries</th><th>latency cost (ms)</th><th>seconds</th>")
                    .append("</tr></thead><tbody>");
            for (SideChannelRecord x : timing) {
                SideChannelRecord.Timing t = x.timing();
                h.append(sideChannelRow(x)).append(t.targets())
                        .append("</td><td>").append(pct(t.depthAccuracy(), t.targets())).append("</td><td>")
                        .append(pct(t.cleanDepthAccuracy())).append("</td><td>").append(pct(t.chance())).append("</td><td>")
                        .append(pct(t.widthAccuracy())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%,d", t.queries())).append("</td><td>")
                        .append(num(t.latencyCostMillis())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f", x.seconds())).append("</td></tr>");
            }
            h.append("</tbody></table>\n");
        }
    }

    /** The start of a side-channel table: its id and the experiment and defence columns. */
    private static String sideChannelHead(String attack) {
        return "<table id=\"sidechannel-" + attack + "\"><thead><tr><th>experiment</th><th class=\"l\">defence</th>";
    }

    /** The start of a side-channel row, up to its third cell's opening tag; a successful attack's row is marked. */
    private static String sideChannelRow(SideChannelRecord x) {
        return "<tr" + (x.succeeded() ? " class=\"fail\"" : "") + "><td>" + esc(x.id()) + "</td><td class=\"l\">"
                + esc(x.defence()) + "</td><td>";
    }

    private static void appendCertification(StringBuilder h, AuditReport r) {
        List<MaskingRecord> masking = r.families().stream().flatMap(f -> f.maskingChecks().stream()).toList();
        if (!masking.isEmpty()) {
            h.append("<h2>Gradient-masking checks</h2><p class=\"sub\">Athalye, Carlini and Wagner (2018): a model whose"
                    + " gradients mislead attacks looks robust without being so. Flags: a black-box attack beats white-box"
                    + " PGD; more PGD steps help the defender; an attack with an unbounded budget fails.</p>");
            h.append("<table id=\"masking-checks\"><thead><tr><th class=\"l\">run</th><th class=\"l\">check</th>")
                    .append("<th class=\"l\">figures</th><th class=\"l\">result</th></tr></thead><tbody>");
            for (MaskingRecord m : masking) {
                for (MaskingRecord.Check c : m.checks()) {
                    StringBuilder fig = new StringBuilder();
                    c.figures().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> fig
                            .append(fig.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                            .append(e.getKey().equals("eps") ? num(e.getValue()) : pct(e.getValue())));
                    h.append("<tr").append(c.flagged() ? " class=\"fail\"" : "").append("><td class=\"l\">")
                            .append(esc(m.id())).append("</td><td class=\"l\">").append(esc(c.name()))
                            .append("</td><td class=\"l\">").append(esc(fig.toString())).append("</td><td class=\"l\">")
                            .append(c.flagged() ? "FLAGGED: " + esc(c.meaning()) : "ok").append("</td></tr>");
                }
            }
            h.append("</tbody></table>\n");
        }
        List<CertificationRecord> certs = r.families().stream().flatMap(f -> f.certifications().stream()).toList();
        if (certs.isEmpty()) {
            return;
        }
        h.append("<h2>Certified robustness</h2><p class=\"sub\">Randomized smoothing (Cohen, Rosenfeld, Kolter 2019): the"
                + " smoothed classifier's prediction cannot change within the certified L2 radius, with probability 1 − α"
                + " per sample. Certified accuracy is a lower bound on robust accuracy; every attack above gives an upper"
                + " bound.</p>");
        for (CertificationRecord c : certs) {
            h.append("<table id=\"certification-").append(esc(c.id())).append("\"><thead><tr><th>L2 radius</th>")
                    .append("<th>certified accuracy</th></tr></thead><tbody>");
            for (int i = 0; i < c.radii().size(); i++) {
                h.append("<tr><td>").append(num(c.radii().get(i))).append("</td><td>")
                        .append(pct(c.certifiedAccuracy().get(i), c.samples())).append("</td></tr>");
            }
            h.append("</tbody></table>\n<p>").append(esc(c.id())).append(": σ = ").append(num(c.sigma())).append(", ")
                    .append(c.samples()).append(" samples, smoothed accuracy ").append(pct(c.smoothedAccuracy(), c.samples()))
                    .append(", ").append(c.abstentions()).append(" abstentions, ")
                    .append(String.format(Locale.ROOT, "%.1f", c.seconds())).append(" s</p>\n");
            if (!c.curve().isEmpty()) {
                double[] x = c.curve().stream().mapToDouble(p -> p[0]).toArray();
                double[] y = c.curve().stream().mapToDouble(p -> p[1]).toArray();
                h.append("<div class=\"charts\"><img class=\"chart\" alt=\"certified accuracy of ").append(esc(c.id()))
                        .append("\" src=\"data:image/png;base64,").append(java.util.Base64.getEncoder().encodeToString(
                                Charts.certifiedAccuracyPng(x, y, "Randomized smoothing, σ = " + num(c.sigma()))))
                        .append("\"></div>\n");
            }
        }
    }

    /** The backdoor scans: Neural Cleanse's per-class triggers and verdict, STRIP's calibration, the reversed triggers. */
    private static void appendScans(StringBuilder h, AuditReport r) {
        List<ScanRecord> scans = r.families().stream().flatMap(f -> f.scans().stream()).toList();
        if (scans.isEmpty()) {
            return;
        }
        List<String> names = r.dataset().classes();
        h.append("<h2>Backdoor scan</h2><p class=\"sub\">Was the model shipped with a backdoor? Neural Cleanse (Wang et al."
                + " 2019) searches, for every class, the smallest mask and pattern that send clean inputs to it; a class"
                + " whose trigger is far smaller than the others' (anomaly index above the threshold, from the median"
                + " absolute deviation) is the likely target of a backdoor. STRIP (Gao et al. 2019) superimposes clean"
                + " images on each input: a backdoored input keeps its class (low entropy); its threshold is set on the"
                + " clean data.</p>");
        for (ScanRecord s : scans) {
            if (!s.classes().isEmpty()) {
                h.append("<table id=\"scan-").append(esc(s.id())).append("\"><thead><tr><th class=\"l\">class</th>")
                        .append("<th>trigger L1</th><th>reaches the class</th><th>anomaly index</th><th class=\"l\">flag</th>")
                        .append("</tr></thead><tbody>");
                for (ScanRecord.ClassTrigger t : s.classes()) {
                    boolean flagged = s.suspectedTarget() != null && s.suspectedTarget() == t.label();
                    String name = t.label() < names.size() ? t.label() + " (" + names.get(t.label()) + ")"
                            : Integer.toString(t.label());
                    h.append("<tr").append(flagged ? " class=\"fail\"" : "").append("><td class=\"l\">").append(esc(name))
                            .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", t.maskL1())).append("</td><td>")
                            .append(pct(t.reversedSuccess())).append(t.reached() ? "" : " (not reached)").append("</td><td>")
                            .append(String.format(Locale.ROOT, "%.2f", t.anomalyIndex())).append("</td><td class=\"l\">")
                            .append(flagged ? "suspected target" : "").append("</td></tr>");
                }
                h.append("</tbody></table>\n");
            }
            if (s.strip() != null) {
                ScanRecord.StripFigures st = s.strip();
                h.append("<p>").append(esc(s.id())).append(": STRIP with ").append(st.overlays())
                        .append(" overlays, entropy threshold ").append(String.format(Locale.ROOT, "%.4f", st.threshold()))
                        .append(" bits (target FRR ").append(pct(st.targetFrr())).append("); FRR ")
                        .append(pct(st.frr(), st.heldOutClean())).append(" on ").append(st.heldOutClean())
                        .append(" held-out clean inputs; FAR ")
                        .append(st.far() == null ? "n/a" : pct(st.far(), st.triggered())).append(". ")
                        .append(esc(st.farNote())).append("</p>\n");
            }
            if (s.note() != null) {
                h.append("<p class=\"sub\">").append(esc(s.note())).append("</p>\n");
            }
            if (s.imageGridPng() != null) {
                h.append("<div class=\"grids\"><figure><img alt=\"reversed triggers of ").append(esc(s.id()))
                        .append("\" src=\"data:image/png;base64,").append(s.imageGridPng()).append("\"><figcaption>")
                        .append(esc(s.id())).append(": the mask and the pattern Neural Cleanse found for every class, with its"
                                + " anomaly index</figcaption></figure></div>\n");
            }
        }
    }

    static void appendNumericalIssues(StringBuilder h, List<AttackRecord> attacks, List<PrivacyRecord> privacy) {
        java.util.Map<String, List<org.dlsec.core.NumericalIssue>> byRun = new java.util.LinkedHashMap<>();
        for (AttackRecord a : attacks) {
            if (!a.numericalIssues().isEmpty()) {
                byRun.put(a.id(), a.numericalIssues());
            }
        }
        for (PrivacyRecord p : privacy) {
            if (!p.numericalIssues().isEmpty()) {
                byRun.put(p.id(), p.numericalIssues());
            }
        }
        if (byRun.isEmpty()) {
            return;
        }
        h.append("<h2>Numerical issues</h2><p class=\"sub\">Non-finite losses, gradients or iterates the optimisations met"
                + " and recovered from: restarted from the last finite point with a smaller step, or gave the sample or class"
                + " up (a given-up sample counts as failed). The full list is in report.json.</p>");
        h.append("<table id=\"numerical\"><thead><tr><th class=\"l\">run</th><th class=\"l\">subject</th><th>step</th>"
                + "<th class=\"l\">problem</th><th class=\"l\">action</th></tr></thead><tbody>");
        for (java.util.Map.Entry<String, List<org.dlsec.core.NumericalIssue>> e : byRun.entrySet()) {
            List<org.dlsec.core.NumericalIssue> list = e.getValue();
            for (int i = 0; i < list.size() && i < 20; i++) {
                org.dlsec.core.NumericalIssue n = list.get(i);
                h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td class=\"l\">").append(esc(n.subject()))
                        .append("</td><td>").append(n.step()).append("</td><td class=\"l\">").append(esc(n.problem()))
                        .append("</td><td class=\"l\">").append(esc(n.action())).append("</td></tr>");
            }
            if (list.size() > 20) {
                h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td class=\"l\" colspan=\"4\">... and ")
                        .append(list.size() - 20).append(" more</td></tr>");
            }
        }
        h.append("</tbody></table>\n");
    }


    /** What a poisoning experiment did, in words. */
    private static String poisonName(PoisonRecord p) {
        Object t = p.parameters().get("target");
        return switch (p.poison()) {
            case "badnets" -> "BadNets trigger → class " + t;
            case "blend" -> "blended trigger (Chen et al.) → class " + t;
            case "stealthy" -> "sparse low-rate trigger → class " + t;
            case "badnets-all" -> "BadNets all-to-all, class y → y+1";
            case "noise" -> "Gaussian noise on images";
            case "labelflip" -> "random label flips";
            case "featurecollision" -> "clean-label feature collision (Poison Frogs) → class " + p.parameters().get("baseClass");
            default -> p.poison();
        };
    }
}
