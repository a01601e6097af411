using Rx.Stomp.Samples.Cli;

namespace Rx.Stomp.Samples.Shell.Commands;

/// <summary><c>begin</c>, <c>commit</c> and <c>abort</c> (alias <c>rollback</c>): one transaction at a time, as in stomp.py.</summary>
internal static class TransactionCommands
{
    public static readonly ShellVerb Begin = new(
        "begin", "begin", "Begin a transaction.",
        "From here to 'commit' or 'abort', send, sendrec, sendreply, sendfile, ack and nack go in the transaction:\n"
        + "the broker applies them together at commit, or not at all.",
        [], 0, BeginAsync);

    public static readonly ShellVerb Commit = new(
        "commit", "commit", "Commit the transaction: what it holds takes effect.",
        "Sends COMMIT and waits for the broker's RECEIPT, then confirms the sendrec, sendfile, ack and nack inside\n"
        + "(a broker may hold their receipts until the commit).",
        [], 0, (shell, _, ct) => EndAsync(shell, commit: true, ct));

    public static readonly ShellVerb Abort = new(
        "abort", "abort", "Abort the transaction: nothing in it takes effect.",
        "Sends ABORT and waits for the broker's RECEIPT.",
        [], 0, (shell, _, ct) => EndAsync(shell, commit: false, ct))
    {
        Aliases = ["rollback"],
    };

    private static async Task BeginAsync(ShellSession shell, ShellArgs args, CancellationToken cancellationToken)
    {
        if (shell.Transaction is not null)
        {
            throw new UsageException("Already in a transaction: commit or abort it first.");
        }

        shell.Transaction = new ShellTransaction(await shell.Client.BeginTransactionAsync(receipt: true, cancellationToken));
        shell.Output.Line("Began a transaction.");
    }

    private static async Task EndAsync(ShellSession shell, bool commit, CancellationToken cancellationToken)
    {
        var transaction = shell.Transaction ?? throw new UsageException("Not in a transaction: 'begin' starts one.");
        // Whatever the answer, the transaction is over: a failed COMMIT means the broker discarded it.
        shell.Transaction = null;
        await using (transaction)
        {
            if (commit)
            {
                await transaction.CommitAsync(line => shell.Output.Line(line), cancellationToken);
                shell.Output.Line("Committed the transaction.");
            }
            else
            {
                await transaction.AbortAsync(cancellationToken);
                shell.Output.Line("Aborted the transaction.");
            }
        }
    }
}
