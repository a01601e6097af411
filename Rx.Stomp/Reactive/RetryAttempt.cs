namespace Rx.Stomp.Reactive;

/// <summary>
/// A failed attempt that will be retried: enough for "Reconnecting (attempt 2 in 0.15 s; last error: …)".
/// </summary>
/// <param name="Attempt">How many attempts in a row have failed, 1 for the first; the next attempt is <c>Attempt + 1</c>.</param>
/// <param name="Delay">How long until the next attempt.</param>
/// <param name="Error">Why the attempt failed.</param>
public sealed record RetryAttempt(int Attempt, TimeSpan Delay, Exception Error);
