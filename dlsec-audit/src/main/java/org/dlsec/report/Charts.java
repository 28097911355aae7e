package org.dlsec.report;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and encoded as base64 PNG for data URIs. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** Robust accuracy (%) against ε, one series per attack run with several budgets in {@code norm}. */
    public static String robustnessCurves(List<AttackRecord> records, String norm, double clean) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Robust accuracy vs ε (" + norm + ")")
                .xAxisTitle("ε (" + norm + ")").yAxisTitle("accuracy under attack (%)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setLegendPosition(Styler.LegendPosition.InsideNE);
        for (AttackRecord r : records) {
            if (!r.norm().equals(norm) || r.epsilons().size() < 2) {
                continue;
            }
            double[] x = r.epsilons().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = r.points().stream().mapToDouble(p -> 100 * p.robustAccuracy()).toArray();
            chart.addSeries(r.id(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return png(chart);
    }

    /** Success rate (%) per attack run at its largest budget. */
    public static String successBars(List<AttackRecord> records) {
        CategoryChart chart = new CategoryChartBuilder().width(640).height(360).title("Attack success at the largest budget")
                .xAxisTitle("attack").yAxisTitle("success rate (%)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setLegendVisible(false);
        List<String> names = records.stream().map(AttackRecord::id).toList();
        List<Double> values = records.stream().map(r -> 100 * r.last().successRate()).toList();
        chart.addSeries("success", names, values);
        return png(chart);
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setAntiAlias(true);
    }

    private static String png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        return Base64.getEncoder().encodeToString(pngBytes(chart));
    }

    private static byte[] pngBytes(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render a chart", e);
        }
    }

    /** Whether any record has a curve in {@code norm}. */
    public static boolean hasCurve(List<AttackRecord> records, String norm) {
        return records.stream().anyMatch(r -> r.norm().equals(norm) && r.epsilons().size() > 1);
    }

    /** Accuracy (%) against the number of flipped bits: the BFA's curve and the random-fault means. */
    public static String faultCurves(List<FaultRecord> records) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Accuracy vs flipped weight bits (int8)")
                .xAxisTitle("flipped bits").yAxisTitle("accuracy (%)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setLegendPosition(Styler.LegendPosition.InsideNE);
        boolean log = records.stream().anyMatch(r -> r.fault().equals("random") && r.flips().size() > 1
                && r.flips().get(r.flips().size() - 1) >= 100 * Math.max(1, r.flips().get(0)));
        for (FaultRecord r : records) {
            double[] x = r.flips().stream().mapToDouble(f -> log ? Math.max(f, 0.5) : f).toArray();
            double[] y = r.accuracy().stream().mapToDouble(a -> 100 * a).toArray();
            String name = r.fault().equals("bfa") ? r.id() + " (Bit-Flip Attack)" : r.id() + " (random flips, mean)";
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        if (log) {
            chart.getStyler().setXAxisLogarithmic(true);
            chart.setXAxisTitle("flipped bits (log scale; 0 drawn at 0.5)");
        }
        return png(chart);
    }

    /**
     * Membership-inference ROC curves on log-log axes, as Carlini et al. (2022) draw them so that the
     * low-FPR region is visible; the diagonal is chance. Rates of 0 are drawn at 1e-4.
     */
    public static String rocCurves(List<PrivacyRecord> records) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Membership inference ROC (log-log)")
                .xAxisTitle("false-positive rate (0 drawn at 1e-4)").yAxisTitle("true-positive rate").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisMin(1e-4).setXAxisMax(1.0).setYAxisMin(1e-4).setYAxisMax(1.0);
        chart.addSeries("chance", new double[] {1e-4, 1.0}, new double[] {1e-4, 1.0}).setMarker(SeriesMarkers.NONE);
        for (PrivacyRecord r : records) {
            double[] x = r.roc().stream().mapToDouble(p -> Math.max(p[0], 1e-4)).toArray();
            double[] y = r.roc().stream().mapToDouble(p -> Math.max(p[1], 1e-4)).toArray();
            if (x.length > 0) {
                chart.addSeries(r.id() + String.format(java.util.Locale.ROOT, " (AUC %.3f)", r.auc()), x, y)
                        .setMarker(SeriesMarkers.NONE);
            }
        }
        return png(chart);
    }

    /** Certified accuracy (%) against the L2 radius (randomised smoothing), as a step curve. */
    public static byte[] certifiedAccuracyPng(double[] radii, double[] accuracy, String title) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("L2 radius")
                .yAxisTitle("certified accuracy (%)").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setLegendVisible(false);
        chart.getStyler().setXAxisDecimalPattern("0.00");
        double[] y = new double[accuracy.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = 100 * accuracy[i];
        }
        chart.addSeries("certified", radii, y).setMarker(SeriesMarkers.NONE);
        return pngBytes(chart);
    }
}
