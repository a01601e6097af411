using System.Globalization;

namespace Rx.Stomp.Samples.Shell;

/// <summary>
/// Saves the files that <c>sendfile</c> sends (a MESSAGE with a <c>filename</c> header and a base64 body) into one
/// directory. Only the last segment of the sender's name is used, so a message cannot write outside it, and an
/// existing file is never overwritten: <c>name</c>, then <c>name.1</c>, <c>name.2</c>…
/// </summary>
internal sealed class ReceivedFiles(string directory)
{
    /// <summary>The directory files are saved in, as an absolute path.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Saves <paramref name="content"/> and returns the full path it was saved under.</summary>
    /// <exception cref="IOException">The directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be written.</exception>
    public string Save(string filename, byte[] content)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = SafeName(filename);
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(Directory, n == 0 ? name : $"{name}.{n.ToString(CultureInfo.InvariantCulture)}");
            try
            {
                // CreateNew rather than a check then a write: two messages with one name never share a file.
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(content);
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken: try the next suffix.
            }
        }
    }

    private static string SafeName(string filename)
    {
        var name = Path.GetFileName(filename.Replace('\\', '/').TrimEnd('/'));
        return name is "" or "." or ".." || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ? "received-file" : name;
    }
}
