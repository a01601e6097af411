using System.Buffers;
using System.Globalization;
using CsCheck;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Tests.Frames;

/// <summary>
/// Properties over random frames: what the writer writes the reader reads back identically, in every version,
/// however the bytes are chunked; and mangled bytes give a frame, "need more" or a
/// <see cref="StompProtocolException"/>, never another exception, and the same answer however they are chunked.
/// CsCheck prints the seed of a failure (see <see cref="A_failing_property_reports_the_seed_to_replay_it"/>); replay
/// it with <c>CsCheck_Seed=...</c>.
/// </summary>
public sealed class FrameRoundTripProperties
{
    /// <summary>10,000 per property; CsCheck's own <c>CsCheck_Iter</c> variable can raise it for a longer hunt.</summary>
    private static readonly long Iterations = Math.Max(10_000, long.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out var n) ? n : 0);

    private static readonly StompCommand[] Commands = Enum.GetValues<StompCommand>().Where(c => c != StompCommand.Heartbeat).ToArray();

    private static readonly FrameLimits SmallLimits = new() { MaxFrameSize = 160, MaxHeaderCount = 4, MaxHeaderLineLength = 40 };

    /// <summary>A piece of header text: what escaping and line rules care about, and the rest of Unicode, surrogate pairs included.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency(
        (6, Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_./ "].Select(c => c.ToString())),
        (4, Gen.OneOfConst(":", "\\", "\r", "\n", "\r\n", "\0", "\t", "\\c", "\\n", "\\r", "\\\\", "content-length", "é", "日")),
        (2, Gen.Char[(char)0, (char)0xD7FF].Select(c => c.ToString())),
        (1, Gen.Char[(char)0xE000, (char)0xFFFF].Select(c => c.ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    private static readonly Gen<string> Text = Piece.Array[0, 8].Select(pieces => string.Concat(pieces));

    private static readonly Gen<byte[]> Body = Gen.Frequency((1, Gen.Const((byte)0)), (4, Gen.Byte)).Array[0, 48];

    private static readonly Gen<string> Eols = Gen.OneOfConst("", "", "", "\n", "\r\n", "\n\r\n\n");

    private static readonly Gen<int[]> Chunks = Gen.Int[1, 24].Array[1, 12];

    /// <summary>A frame the version can carry, and whether to write it with content-length (forced for a body holding NUL).</summary>
    private static Gen<(Frame Frame, bool ContentLength)> FrameFor(StompVersion version) =>
        Gen.Select(Gen.OneOfConst(Commands), Gen.Select(Text, Text).Array[0, 6], Body, Gen.Bool)
            .Select((command, headers, body, contentLength) =>
            {
                var carried = StompHeaders.Create(headers.Select(h => new KeyValuePair<string, string>(
                    Carriable(h.Item1, version, command, isName: true), Carriable(h.Item2, version, command, isName: false))));
                var frame = new Frame(command, carried, command.CarriesBody() ? body : ReadOnlyMemory<byte>.Empty);
                return (frame, contentLength || body.Contains((byte)0));
            });

    /// <summary>Frames with heart-beats around them, written by one writer, with the chunk sizes a transport delivers them in.</summary>
    private static Gen<RandomCase> CaseFor(StompVersion version) =>
        Gen.Select(Eols, Gen.Select(FrameFor(version), Eols).Array[1, 4], Chunks, Gen.Bool)
            .Select((leading, frames, chunks, segmented) => new RandomCase(version, leading, frames, chunks, segmented));

    /// <summary>What <paramref name="text"/> becomes so that <paramref name="version"/> can carry it in a <paramref name="command"/> frame.</summary>
    private static string Carriable(string text, StompVersion version, StompCommand command, bool isName)
    {
        var escaped = version >= StompVersion.V11 && command.IsEscaped();
        if (!escaped)
        {
            // 1.0, CONNECT, STOMP and CONNECTED: no escaping, so no CR or LF anywhere and no colon in a name.
            text = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            if (isName)
            {
                text = text.Replace(":", "", StringComparison.Ordinal);
            }
        }
        else if (version == StompVersion.V11)
        {
            // 1.1 has no escape for CR.
            text = text.Replace("\r", "", StringComparison.Ordinal);
        }

        // A name must not be empty, and content-length is the writer's to check, not a random header.
        return !isName ? text : text.Length == 0 ? "h" : text == StompHeaderNames.ContentLength ? "not-content-length" : text;
    }

    [TestCase(StompVersion.V10)]
    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public void Written_frames_are_read_back_identically_however_chunked(StompVersion version)
    {
        CaseFor(version).Sample(test =>
        {
            var bytes = test.Write();
            var expected = test.Expected();
            var reader = new FrameReader(version);

            Same("read whole", expected, FrameReading.ReadAll(reader, new ReadOnlySequence<byte>(bytes)));
            Same("read in chunks", expected, FrameReading.ReadIncrementally(reader, bytes, test.Chunks, test.Segmented));
            Same("read from chunked segments", expected, FrameReading.ReadAll(reader, FrameReading.Chunked(bytes, Cut(bytes.Length, test.Chunks))));
        }, iter: Iterations, writeLine: TestContext.Out.WriteLine, print: test => test.ToString());
    }

    [TestCase(StompVersion.V10)]
    [TestCase(StompVersion.V11)]
    [TestCase(StompVersion.V12)]
    public void Mangled_frames_give_a_frame_a_wait_or_a_protocol_error_and_the_same_however_chunked(StompVersion version)
    {
        var mutation = Gen.Select(Gen.Int[0, 3], Gen.Double[0, 1], Gen.Frequency(
            (3, Gen.OneOfConst<byte>(0, (byte)'\n', (byte)'\r', (byte)':', (byte)'\\', (byte)'c', (byte)'r', (byte)'0', (byte)'9', (byte)'-', 0x80, 0xc3, 0xff)),
            (2, Gen.Byte)));
        var gen = Gen.Select(Gen.Enum<StompVersion>().SelectMany(CaseFor), mutation.Array[1, 4], Gen.Bool);

        gen.Sample((test, mutations, small) =>
        {
            var bytes = Mutate(test.Write(), mutations);
            var reader = new FrameReader(version, small ? SmallLimits : null);

            // Only StompProtocolException is caught in there: any other exception fails the property.
            var whole = FrameReading.ReadAll(reader, new ReadOnlySequence<byte>(bytes)).Describe();
            Same("chunked", whole, FrameReading.ReadIncrementally(reader, bytes, test.Chunks, test.Segmented).Describe(), bytes);
            Same("one byte at a time", whole, FrameReading.ReadIncrementally(reader, bytes, [1], segmented: true).Describe(), bytes);
        }, iter: Iterations, writeLine: TestContext.Out.WriteLine, print: t => $"{t.Item1} mutations [{string.Join(", ", t.Item2)}] small limits: {t.Item3}");
    }

    /// <summary>
    /// Hostile input: valid frames cut short or mangled, and frames that announce up to the frame size limit in
    /// <c>content-length</c>, thousands of headers or endless lines while sending a few bytes. Reading must allocate
    /// in proportion to the bytes received, never to what they announce, and must end: the whole property runs
    /// under a guard, so a reader that loops fails it instead of hanging the suite.
    /// </summary>
    [Test]
    public async Task Hostile_bytes_are_read_with_allocation_bounded_by_their_length_and_never_hang()
    {
        var announcing = Gen.Select(Gen.Enum<StompVersion>(), Gen.Int[0, 16 * 1024 * 1024], Gen.Int[0, 4096], Gen.Int[0, 1200], Gen.Bool)
            .Select((version, length, filler, headers, terminated) =>
            {
                var text = new System.Text.StringBuilder("MESSAGE\n");
                for (var i = 0; i < headers; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"h{i}:v\\c\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"content-length:{length}\n\n").Append('x', filler);
                return (version, FrameFeeder.Bytes(text.Append(terminated ? "\0" : "").ToString()));
            });
        var mangled = Gen.Select(Gen.Enum<StompVersion>().SelectMany(CaseFor), Gen.Int[0, 100]).Select((test, cut) =>
        {
            var bytes = test.Write();
            return (test.Version, bytes[..(bytes.Length * cut / 100)]);
        });
        var endless = Gen.Select(Gen.Enum<StompVersion>(), Gen.OneOfConst("SEND\n", "SEND\nh:", "", "SEND\nh:v\n\n"), Gen.Int[0, 70_000], Gen.OneOfConst((byte)'a', (byte)'\r', (byte)':'))
            .Select((version, start, count, filler) => (version, FrameFeeder.Bytes(start).Concat(Enumerable.Repeat(filler, count)).ToArray()));

        var property = Task.Run(() => Gen.Frequency((2, announcing), (2, mangled), (1, endless)).Sample((version, bytes) =>
        {
            var reader = new FrameReader(version);
            var before = GC.GetAllocatedBytesForCurrentThread();
            FrameReading.ReadAll(reader, new ReadOnlySequence<byte>(bytes));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // Strings, header arrays and a frame per few bytes stay far below this; a buffer sized by content-length does not.
            var bound = 256 * 1024 + 64L * bytes.Length;
            if (allocated > bound)
            {
                throw new PropertyFailedException($"{bytes.Length} bytes of {version} allocated {allocated} bytes (bound {bound}): {FrameText.Show(bytes.AsSpan(0, Math.Min(bytes.Length, 200)))}");
            }
        }, iter: Iterations, writeLine: TestContext.Out.WriteLine, print: t => $"{t.Item1}: {t.Item2.Length} bytes {FrameText.Show(t.Item2.AsSpan(0, Math.Min(t.Item2.Length, 200)))}"));

        await property.WaitAsync(TimeSpan.FromMinutes(5));
    }

    [Test]
    public void A_failing_property_reports_the_seed_to_replay_it()
    {
        var error = Assert.Throws<CsCheckException>(() => Gen.Int[0, 1000].Sample(i => i < 900, iter: 1000, writeLine: _ => { }));

        Assert.That(error!.Message, Does.Contain("Set seed: \"").And.Contain("CsCheck_Seed="));
    }

    private static byte[] Mutate(byte[] bytes, (int Kind, double Where, byte Value)[] mutations)
    {
        var list = bytes.ToList();
        foreach (var (kind, where, value) in mutations)
        {
            var at = (int)(where * list.Count);
            switch (kind)
            {
                case 0 when at < list.Count: list[at] = value; break;
                case 1: list.Insert(at, value); break;
                case 2 when at < list.Count: list.RemoveAt(at); break;
                case 3: list.RemoveRange(at, list.Count - at); break;
                default: break;
            }
        }

        return [.. list];
    }

    private static int[] Cut(int length, int[] sizes)
    {
        var cut = new List<int>();
        for (int at = 0, i = 0; at < length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], length - at);
            cut.Add(size);
            at += size;
        }

        return [.. cut];
    }

    private static void Same(string how, string expected, ReadOutcome actual) => Same(how, expected, actual.Describe(), null);

    private static void Same(string how, string expected, string actual, byte[]? input)
    {
        if (expected != actual)
        {
            throw new PropertyFailedException(
                $"{how}:\nexpected\n{expected}\nbut got\n{actual}" + (input is null ? "" : $"\ninput: {FrameText.Show(input)}"));
        }
    }

    /// <summary>One random case: frames of one version with heart-beats around them, and how to chunk them.</summary>
    public sealed record RandomCase(StompVersion Version, string Leading, (( Frame Frame, bool ContentLength) Frame, string Eols)[] Frames, int[] Chunks, bool Segmented)
    {
        public byte[] Write()
        {
            var output = new ArrayBufferWriter<byte>();
            var writer = new FrameWriter(Version);
            output.Write(FrameFeeder.Bytes(Leading));
            foreach (var ((frame, contentLength), eols) in Frames)
            {
                writer.Write(output, frame, contentLength);
                output.Write(FrameFeeder.Bytes(eols));
            }

            return output.WrittenSpan.ToArray();
        }

        /// <summary>What reading <see cref="Write"/> gives: the frames, content-length added where the writer adds it, and a heart-beat per EOL.</summary>
        public string Expected()
        {
            var frames = new List<Frame>();
            AddHeartbeats(Leading);
            foreach (var ((frame, contentLength), eols) in Frames)
            {
                var headers = frame.Command.CarriesBody() && contentLength
                    ? frame.Headers.Add(StompHeaderNames.ContentLength, frame.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    : frame.Headers;
                frames.Add(new Frame(frame.Command, headers, frame.Body));
                AddHeartbeats(eols);
            }

            return new ReadOutcome(frames, null, Write().Length).Describe();

            void AddHeartbeats(string eols) => frames.AddRange(Enumerable.Repeat(Frame.Heartbeat, eols.Count(c => c == '\n')));
        }

        public override string ToString()
        {
            string written;
            try
            {
                written = FrameText.Show(Write());
            }
            catch (StompProtocolException e)
            {
                written = "(the writer refused it: " + e.Message + ")";
            }

            var frames = string.Join("\n", Frames.Select(f => $"{FrameText.Canonical(f.Frame.Frame)} content-length: {f.Frame.ContentLength} then {FrameText.Show(f.Eols)}"));
            return $"{Version} after {FrameText.Show(Leading)}:\n{frames}\nchunks [{string.Join(",", Chunks)}] segmented: {Segmented}\nwritten: {written}";
        }
    }
}

/// <summary>A property that does not hold; a plain exception, so that CsCheck can shrink it on any thread.</summary>
public sealed class PropertyFailedException : Exception
{
    public PropertyFailedException(string message) : base(message) { }

    public PropertyFailedException() { }

    public PropertyFailedException(string message, Exception innerException) : base(message, innerException) { }
}
