package org.newtonloss.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG learning curves of a run (XChart): {@code loss.png} (training loss) and {@code accuracy.png} (val / test). */
final class LearningCurves {
    private LearningCurves() {}

    static void write(Path dir, List<MetricsRecord> records, String title) throws IOException {
        if (records.isEmpty()) return;
        double[] steps = records.stream().mapToDouble(MetricsRecord::step).toArray();
        XYChart loss = new XYChartBuilder().width(800).height(450).title("training loss: " + title)
                .xAxisTitle("step").yAxisTitle("mean set loss").build();
        loss.getStyler().setLegendVisible(false);
        loss.addSeries("train loss", steps, records.stream().mapToDouble(MetricsRecord::trainLoss).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        save(dir.resolve("loss.png"), loss);

        XYChart acc = new XYChartBuilder().width(800).height(450).title("accuracy: " + title)
                .xAxisTitle("step").yAxisTitle("accuracy").build();
        acc.addSeries("val exact match", steps, records.stream().mapToDouble(MetricsRecord::valExactMatch).toArray());
        acc.addSeries("test exact match", steps, records.stream().mapToDouble(MetricsRecord::testExactMatch).toArray());
        acc.addSeries("val element-wise", steps, records.stream().mapToDouble(MetricsRecord::valElementWise).toArray());
        acc.addSeries("test element-wise", steps, records.stream().mapToDouble(MetricsRecord::testElementWise).toArray());
        acc.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        save(dir.resolve("accuracy.png"), acc);
    }

    private static void save(Path target, XYChart chart) throws IOException {
        AtomicFiles.write(target, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
