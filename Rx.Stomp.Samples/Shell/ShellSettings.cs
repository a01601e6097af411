using System.ComponentModel;
using System.Globalization;
using Rx.Stomp.Samples.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>The options of <c>rxstomp shell</c>: stomp.py's, over the connection options every command takes.</summary>
internal sealed class ShellSettings : ConnectionSettings
{
    [CommandArgument(0, "[url]")]
    [Description("stomp://user:pass@host:port/vhost, as --url.")]
    public string? UrlArgument { get; set; }

    [CommandOption("-F|--file <PATH>")]
    [Description("Run the commands in this file, wait for what they started (receipts, then messages until none came for a second, at most --wait), and exit: 0, or the code of the first failure.")]
    public string? File { get; set; }

    [CommandOption("-L|--listen <DESTINATION>")]
    [Description("Subscribe to this destination and print its messages until Ctrl+C (no prompt).")]
    public string? Listen { get; set; }

    [CommandOption("--version")]
    [Description("Print the versions of rxstomp and Rx.Stomp and exit, as stomp.py's --version (connects to nothing).")]
    public bool ShowVersion { get; set; }

    [CommandOption("--save-dir <DIR>")]
    [Description("Where files received from sendfile are saved (default: the current directory).")]
    public string SaveDirectory { get; set; } = ".";

    [CommandOption("--wait <SECONDS>")]
    [Description("After -F or redirected input, wait at most this long for messages (default 10).")]
    public string? Wait { get; set; }

    /// <summary>--wait, or 10 s.</summary>
    /// <exception cref="UsageException">Not a positive number of seconds.</exception>
    public TimeSpan ParseWait() =>
        Wait is null ? TimeSpan.FromSeconds(10)
        : double.TryParse(Wait, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"--wait: '{Wait}' is not a positive number of seconds.");

    public override ValidationResult Validate()
    {
        if (UrlArgument is not null && Url is not null)
        {
            return ValidationResult.Error("Give the URL once: as the argument or with --url.");
        }

        if (File is not null && Listen is not null)
        {
            return ValidationResult.Error("--file and --listen cannot both be given.");
        }

        Url ??= UrlArgument;
        return base.Validate();
    }
}
