using SharpFuzz;

namespace Rx.Stomp.Fuzz;

/// <summary>
/// Under afl-fuzz (scripts/fuzz.sh) runs <see cref="FrameReaderTarget"/> in SharpFuzz's persistent mode. With
/// <c>replay FILE...</c> runs it once per file and prints what each gives: how a finding is reproduced and debugged.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["replay", .. var files])
        {
            return Replay(files);
        }

        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            FrameReaderTarget.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;
    }

    private static int Replay(IEnumerable<string> files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                FrameReaderTarget.Run(File.ReadAllBytes(file));
                Console.WriteLine($"ok      {file}");
            }
#pragma warning disable CA1031 // Replay reports every exception, whatever its type: that is what it is for.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"FINDING {file}: {e}");
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
