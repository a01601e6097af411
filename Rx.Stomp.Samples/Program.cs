using System.Runtime.InteropServices;
using Rx.Stomp.Samples.Bench;
using Rx.Stomp.Samples.Bench.NullPeer;
using Rx.Stomp.Samples.Cli;
using Rx.Stomp.Samples.Dashboard;
using Rx.Stomp.Samples.Demo;
using Rx.Stomp.Samples.Listen;
using Rx.Stomp.Samples.Send;
using Rx.Stomp.Samples.Shell;
using Spectre.Console.Cli;

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var app = new CommandApp<DemoCommand>();
app.Configure(config =>
{
    config.SetApplicationName("rxstomp");
    config.SetApplicationVersion(ProgramVersion.Text);
    config.PropagateExceptions();
    config.UseStrictParsing();
    config.AddCommand<ListenCommand>("listen")
        .WithExample("listen", "/queue/orders", "--count", "1", "--json");
    config.AddCommand<DashboardCommand>("dashboard")
        .WithDescription("A live terminal screen (Terminal.Gui) of the connection, each destination's count, rate and latest message, the watches with their state, and a filterable log of the latest messages. Without a broker address it runs the embedded broker with demo traffic; with output redirected it prints the screen at every update.")
        .WithExample("dashboard", "/queue/orders", "/topic/prices", "--url", "stomp://guest:guest@localhost:61613/");
    config.AddCommand<SendCommand>("send")
        .WithExample("send", "/queue/orders", "--header", "reply-to:/temp-queue/a", "--body", "hello", "--receipt");
    config.AddCommand<BenchCommand>("bench")
        .WithExample("bench", "--peer", "--compare", "../shared/bench", "--repeat", "3");
    config.AddCommand<NullPeerCommand>("null-peer").IsHidden();
    config.AddCommand<ShellCommand>("shell")
        .WithExample("shell", "stomp://guest:guest@localhost:61613/")
        .WithExample("shell", "-H", "localhost", "-P", "61613", "-U", "guest", "-W", "guest", "-F", "commands.txt");
});

try
{
    return await app.RunAsync(args, stop.Token);
}
catch (CommandAppException e)
{
    ErrorLine.Write(e.Message, ErrorLine.SecretsIn(args));
    return ExitCodes.Usage;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
