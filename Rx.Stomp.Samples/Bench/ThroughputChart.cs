using ScottPlot;

namespace Rx.Stomp.Samples.Bench;

/// <summary>Draws throughput (MB/s) against body size, for the client and the raw limit, as a PNG.</summary>
internal static class ThroughputChart
{
    public static void Save(string path, IReadOnlyList<SweepPoint> sweep, string target)
    {
        var plot = new Plot();

        // Sizes span bytes to megabytes: the axis is log10 of the size, labelled with the sizes themselves.
        var xs = sweep.Select(p => Math.Log10(p.Size)).ToArray();
        Line(plot, xs, sweep.Select(p => MegaBytes(p.Publish, p.Size)), "Rx.Stomp publish", Colors.Blue, LinePattern.Solid);
        Line(plot, xs, sweep.Select(p => MegaBytes(p.Consume, p.Size)), "Rx.Stomp consume", Colors.Green, LinePattern.Solid);
        if (sweep.All(p => p.RawPublish is not null))
        {
            Line(plot, xs, sweep.Select(p => MegaBytes(p.RawPublish!.Value, p.Size)), "raw C publish", Colors.Blue, LinePattern.Dashed);
            Line(plot, xs, sweep.Select(p => MegaBytes(p.RawConsume!.Value, p.Size)), "raw C consume", Colors.Green, LinePattern.Dashed);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var point in sweep)
        {
            ticks.AddMajor(Math.Log10(point.Size), BenchReport.Bytes(point.Size));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Title($"Throughput against body size ({target.Split(' ')[0]} {target.Split(' ')[1]})");
        plot.XLabel("body size");
        plot.YLabel("MB/s (bodies)");
        var top = sweep.Max(p => new[] { p.Publish, p.Consume, p.RawPublish ?? 0, p.RawConsume ?? 0 }.Max() * p.Size / 1e6);
        plot.Axes.SetLimitsY(0, top * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 520);
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, Color color, LinePattern pattern)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray(), color);
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 6;
    }

    private static double MegaBytes(double rate, int size) => rate * size / 1e6;
}
