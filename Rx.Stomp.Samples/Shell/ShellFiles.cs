using System.Text.Json;
using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell;

/// <summary>The files the shell reads (sendfile's file and headers, run's commands), with failures as one clear line.</summary>
internal static class ShellFiles
{
    /// <exception cref="UsageException">The file cannot be read.</exception>
    public static Task<byte[]> ReadBytesAsync(string path, CancellationToken cancellationToken) =>
        Read(path, () => File.ReadAllBytesAsync(path, cancellationToken));

    /// <exception cref="UsageException">The file cannot be read.</exception>
    public static Task<string[]> ReadLinesAsync(string path, CancellationToken cancellationToken) =>
        Read(path, () => File.ReadAllLinesAsync(path, cancellationToken));

    /// <summary>A JSON object of headers: string values as they are, numbers and booleans as their JSON text.</summary>
    /// <exception cref="UsageException">The file cannot be read, or is not such an object.</exception>
    public static async Task<IReadOnlyList<(string Name, string Value)>> ReadHeadersAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(path, cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(bytes);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"{path}: headers must be a JSON object, {{\"name\": \"value\", ...}}.");
            }

            return [.. json.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => throw new UsageException($"{path}: header '{p.Name}' must be a string, a number or a boolean."),
            }))];
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static async Task<T> Read<T>(string path, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {path}: {e.Message}", e);
        }
    }
}
