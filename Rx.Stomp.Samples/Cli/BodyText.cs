using System.Text;

namespace Rx.Stomp.Samples.Cli;

/// <summary>A message body for a human: its text when it is valid UTF-8, else a note and its bytes in base64.</summary>
internal static class BodyText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Describe(ReadOnlySpan<byte> body)
    {
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return $"(the body is not valid UTF-8; {body.Length} bytes in base64:){Environment.NewLine}{Convert.ToBase64String(body)}";
        }
    }
}
