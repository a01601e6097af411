using System.Diagnostics;
using System.Reactive.Subjects;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Rx.Stomp.Broker;
using Rx.Stomp.Linq;
using Rx.Stomp.Tests.Support;
using Rx.Stomp.Tests.Tracing;
using Rx.Stomp.Tracing;

namespace Rx.Stomp.Tests.Readme;

/// <summary>README "Tracing": the code it shows, run against the embedded broker; it must stand in README.md as it is here.</summary>
public class ReadmeTracingExamples
{
    [Test]
    public async Task A_send_and_its_handler_are_one_trace()
    {
        await using var broker = await StompBroker.StartAsync();
        await using var client = await Embedded.ConnectAsync(broker);
        using var spans = new ExportedSpans();
        var handled = new ReplaySubject<string>();
        // Called inside the delivery, as the recipe's handler.
        void Handle(string text) => handled.OnNext($"{Activity.Current?.TraceId} {text}");

        #region README tracing
        // OpenTelemetry's SDK listening to the "Rx.Stomp" source; in a host:
        // services.AddOpenTelemetry().WithTracing(b => b.AddSource(StompTracing.ActivitySourceName).AddOtlpExporter())
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(StompTracing.ActivitySourceName)
            .AddInMemoryExporter(spans)
            .Build();

        // The handler runs inside "process /queue/orders", the child of the producer's "send /queue/orders": one trace.
        using var orders = client.Watch("/queue/orders").Subscribe(m => Handle(m.Text()));
        await client.SendAsync("/queue/orders", "one order");    // the SEND carries a traceparent header
        #endregion

        var send = await spans.Ended.WhenAsync(s => s.DisplayName == "send /queue/orders");
        var process = await spans.Ended.WhenAsync(s => s.DisplayName == "process /queue/orders");
        Assert.That(await handled.WhenAsync(_ => true), Is.EqualTo($"{send.TraceId} one order"));
        Assert.That(process.ParentSpanId, Is.EqualTo(send.SpanId));
    }

    [Test]
    public void The_readme_shows_the_tracing_code_as_it_is_here()
    {
        var readme = File.ReadAllText(Path.Combine(ReadmeExamples.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var regions = ReadmeExamples.Recipes(ReadmeExamples.RepositoryFile("Rx.Stomp.Tests", "Readme", "ReadmeTracingExamples.cs"));

        Assert.That(regions.Keys, Is.EquivalentTo(new[] { "tracing" }));
        Assert.That(readme, Does.Contain(regions["tracing"]), "README.md does not show the tracing code as Readme/ReadmeTracingExamples.cs has it.");
    }
}
