package org.dlsec.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.attack.sidechannel.PowerAnalysis;
import org.dlsec.attack.sidechannel.SideChannelAttack;
import org.dlsec.attack.sidechannel.TimingAttack;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The {@code --plot} of {@code dlsec sidechannel}. */
final class SideChannelPlot {
    private SideChannelPlot() {}

    static byte[] png(SideChannelAttack.Result r) {
        XYChart chart;
        if (r instanceof PowerAnalysis.Result p) {
            chart = new XYChartBuilder().width(640).height(400).title("CPA on the first layer, σ = "
                    + p.config().sigma() + ", defence " + p.defence().cliName()).xAxisTitle("traces")
                    .yAxisTitle("weights recovered exactly").build();
            chart.getStyler().setXAxisLogarithmic(true);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (PowerAnalysis.CurvePoint c : p.layers().get(0).curve()) {
                x.add((double) c.traces());
                y.add(c.recovered());
            }
            chart.addSeries("recovered", x, y).setMarker(SeriesMarkers.CIRCLE);
            chart.addSeries("chance (1/256)", List.of(x.get(0), x.get(x.size() - 1)),
                    List.of(PowerAnalysis.CHANCE, PowerAnalysis.CHANCE)).setMarker(SeriesMarkers.NONE);
        } else {
            TimingAttack.Result t = (TimingAttack.Result) r;
            chart = new XYChartBuilder().width(640).height(400).title("Served latency vs depth (held-out targets)")
                    .xAxisTitle("true depth").yAxisTitle("median latency, ms").build();
            for (TimingAttack.Trial trial : t.trials()) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (TimingAttack.Prediction p : trial.predictions()) {
                    x.add((double) p.trueDepth());
                    y.add(p.medianMillis());
                }
                chart.addSeries(trial.condition(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
