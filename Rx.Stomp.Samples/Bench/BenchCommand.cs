using System.ComponentModel;
using System.Runtime;
using Rx.Stomp.Client;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Bench;

/// <summary>
/// <c>rxstomp bench</c>: the shared bench's workloads through the full client, optionally beside the raw C client in
/// the same run, repeated, with medians; optionally a sweep over body sizes drawn as a chart.
/// </summary>
[Description("Measure publish, consume and round trips through the client, optionally against the raw C limit. " + ExitCodes.Help)]
internal sealed class BenchCommand : ClientCommand<BenchSettings>
{
    /// <summary>The bytes a sweep point moves per run, so that large bodies do not take minutes.</summary>
    private const long SweepBytes = 256L * 1024 * 1024;

    protected override async Task<int> RunAsync(BenchSettings settings, StompClientOptions options, CancellationToken cancellationToken)
    {
        var sizes = settings.ParseSizes();
        using var compare = settings.Compare is null ? null : await RawTools.BuildAsync(settings.Compare, ["raw_limit"], cancellationToken);
        using var rawPeer = settings.RawPeer is null ? null : await RawTools.BuildAsync(settings.RawPeer, ["raw_peer"], cancellationToken);
        await using var target = await BenchTarget.StartAsync(settings, options, rawPeer, cancellationToken);
        var workloads = new ClientWorkloads(target.Options, target.IsNullPeer, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var count = settings.CountOrDefault;
        var report = new BenchReport(Console.Out);
        var warmUp = settings.NoWarmUp
            ? "No warm-up: the first repetition includes the JIT's compiling."
            : await WarmUp.RunAsync(workloads, Queue(0, settings.Size), count, settings.Size, cancellationToken);
        report.Header(target.Description, count, settings.Size, settings.RoundTrips, settings.Repeat, warmUp);

        var runs = new List<BenchRun>();
        for (var repetition = 1; repetition <= settings.Repeat; repetition++)
        {
            var queue = Queue(repetition, settings.Size);
            var jit = JitInfo.GetCompilationTime();
            var publish = await workloads.PublishAsync(queue, count, settings.Size, cancellationToken);
            var consume = await workloads.ConsumeAsync(queue, count, settings.Size, cancellationToken);
            var roundTrips = await workloads.RoundTripsAsync(queue, settings.RoundTrips, cancellationToken);
            var raw = compare is null ? null
                : await compare.RunLimitAsync(target.Endpoint.Host, target.Endpoint.Port, count, settings.Size, settings.RoundTrips, target.IsNullPeer, cancellationToken);
            var run = new BenchRun(settings.Size, publish, consume, roundTrips, raw, JitInfo.GetCompilationTime() - jit);
            report.Repetition(repetition, run);
            runs.Add(run);
        }

        report.Summary(runs, throughBroker: settings.NamesBroker);
        if (sizes.Count == 0)
        {
            return ExitCodes.Success;
        }

        report.SweepHeader(SweepBytes);
        var sweep = new List<SweepPoint>();
        foreach (var size in sizes)
        {
            var messages = Math.Clamp(SweepBytes / size, 20, count);
            var points = new List<SweepPoint>();
            for (var repetition = 1; repetition <= settings.Repeat; repetition++)
            {
                var queue = Queue(repetition, size);
                var publish = await workloads.PublishAsync(queue, messages, size, cancellationToken);
                var consume = await workloads.ConsumeAsync(queue, messages, size, cancellationToken);
                var raw = compare is null ? null
                    : await compare.RunLimitAsync(target.Endpoint.Host, target.Endpoint.Port, messages, size, 10, target.IsNullPeer, cancellationToken);
                points.Add(new SweepPoint(size, messages, publish.MessagesPerSecond, consume.MessagesPerSecond, raw?.Publish.MessagesPerSecond, raw?.Consume.MessagesPerSecond));
            }

            var median = SweepPoint.Median(points);
            report.SweepPoint(median);
            sweep.Add(median);
        }

        if (settings.Chart is not null)
        {
            ThroughputChart.Save(settings.Chart, sweep, target.Description);
            Console.Out.WriteLine($"Chart: {settings.Chart}");
        }

        return ExitCodes.Success;
    }

    private static string Queue(int repetition, int size) => $"/queue/bench-rx-{Environment.ProcessId}-{size}-{repetition}";
}
