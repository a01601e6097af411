using System.Globalization;
using System.Text;
using Rx.Stomp.Client;
using Rx.Stomp.Frames;

namespace Rx.Stomp.Broker;

/// <summary>
/// The protocol of one connection: the handshake, then every client frame applied to the <see cref="Router"/> under
/// its lock, with a RECEIPT when asked and an ERROR (then close) when refused. Frames arrive on the connection's read
/// loop, one at a time, so a RECEIPT follows everything the frames before it caused.
/// </summary>
internal sealed class BrokerSession : IConnectionHandler
{
    private const int AwaitingConnect = 0;
    private const int Open = 1;
    private const int Ending = 2;

    private static readonly HashSet<string> Consumed = new(StringComparer.Ordinal)
    {
        StompHeaderNames.Destination, StompHeaderNames.MessageId, StompHeaderNames.Subscription, StompHeaderNames.Ack,
        StompHeaderNames.Redelivered, StompHeaderNames.Receipt, StompHeaderNames.Transaction, StompHeaderNames.ContentLength,
    };

    private readonly StompBroker _broker;
    private readonly Router _router;
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Delivery> _byAckId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action>> _transactions = new(StringComparer.Ordinal);
    private int _state;
    private long _nextAck;
    private bool _detached;
    private string? _endReason;

    public BrokerSession(StompBroker broker, Router router, string id, BrokerConnection connection)
    {
        _broker = broker;
        _router = router;
        Id = id;
        Connection = connection;
    }

    public string Id { get; }

    public BrokerConnection Connection { get; }

    public StompVersion Version { get; private set; } = StompVersion.V12;

    /// <summary>Whether CONNECTED was sent and the session is not ending.</summary>
    public bool IsOpen => Volatile.Read(ref _state) == Open;

    /// <summary>Whether the session is closing or closed: nothing more is delivered to it.</summary>
    public bool IsEnding => Volatile.Read(ref _state) == Ending || Connection.IsEnded;

    private StompBrokerOptions Options => _broker.Options;

    public bool OnFrame(Frame frame)
    {
        if (frame.IsHeartbeat)
        {
            return true;
        }

        try
        {
            switch (Volatile.Read(ref _state))
            {
                case AwaitingConnect:
                    return OnConnect(frame);
                case Open:
                    lock (_router.Gate)
                    {
                        if (_detached)
                        {
                            return false;
                        }

                        var keepOpen = Handle(frame);
                        if (frame.Headers[StompHeaderNames.Receipt] is { } receipt)
                        {
                            Connection.Enqueue(new Frame(StompCommand.Receipt, StompHeaders.Create((StompHeaderNames.ReceiptId, receipt))));
                        }

                        if (!keepOpen)
                        {
                            _endReason = "The client sent DISCONNECT.";
                            Detach();
                            Connection.CloseAfterWrites();
                        }

                        return keepOpen;
                    }

                default:
                    return false;
            }
        }
        catch (BrokerRefusal refusal)
        {
            Fail(refusal.Message, refusal.Detail, frame.Headers[StompHeaderNames.Receipt], refusal.Headers);
            return false;
        }
    }

    public void OnProtocolError(StompProtocolException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Fail("Invalid frame: " + error.Message, null, null, []);
    }

    public void OnUnwritable(Frame frame, StompProtocolException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Fail($"A {frame.Command.ToWire()} for this connection cannot be carried by STOMP {Version.ToWire()}: {error.Message}", null, null, []);
    }

    public void OnClosed(Exception? reason)
    {
        lock (_router.Gate)
        {
            Volatile.Write(ref _state, Ending);
            Detach();
            _broker.OnSessionClosed(this, reason, _endReason);
        }
    }

    /// <summary>Sends an ERROR (with <c>receipt-id</c> when the offending frame asked for a receipt), then closes.</summary>
    public void Fail(string message, string? detail, string? receiptId, IReadOnlyList<(string Name, string Value)> extra, bool close = true)
    {
        lock (_router.Gate)
        {
            if (Volatile.Read(ref _state) == Ending)
            {
                return;
            }

            var headers = new List<KeyValuePair<string, string>> { new(StompHeaderNames.Message, OneLine(message)) };
            if (receiptId is not null)
            {
                headers.Add(new(StompHeaderNames.ReceiptId, receiptId));
            }

            headers.AddRange(extra.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
            headers.Add(new(StompHeaderNames.ContentType, "text/plain;charset=utf-8"));
            Connection.Enqueue(new Frame(StompCommand.Error, StompHeaders.Create(headers), Encoding.UTF8.GetBytes(detail ?? message)));
            _broker.Publish(new BrokerEvent(BrokerEventKind.ErrorSent, Id, Message: message));
            BrokerLog.ErrorSent(_broker.Logger, Id, message);
            if (close)
            {
                _endReason = message;
                Volatile.Write(ref _state, Ending);
                Detach();
                Connection.CloseAfterWrites();
            }
        }
    }

    /// <summary>The client was silent past the heart-beat deadline: the connection is dropped.</summary>
    private void OnSilence(HeartbeatTimeoutException timeout)
    {
        BrokerLog.HeartbeatTimeout(_broker.Logger, Id, timeout.Message);
        Connection.Abort(timeout, reset: false);
    }

    private bool OnConnect(Frame frame)
    {
        if (frame.Command is not (StompCommand.Connect or StompCommand.Stomp))
        {
            throw new BrokerRefusal($"Expected CONNECT or STOMP, got {frame.Command.ToWire()}.");
        }

        var version = NegotiateVersion(frame);
        Version = version;
        Connection.UseVersion(version, Options.Limits);

        if (_broker.Faults.TakeRefusal() is { } refusal)
        {
            throw new BrokerRefusal(refusal);
        }

        CheckLogin(frame);
        TimeSpan send, receive;
        try
        {
            // Handshake's rule is symmetric: with the broker's settings as "ours" and CONNECT as "theirs", it gives
            // how often the broker sends (its sx against the client's cy) and how often it must hear (sy against cx).
            (send, receive) = Handshake.NegotiateHeartbeat(Options.Heartbeat, version, frame);
        }
        catch (StompProtocolException)
        {
            throw new BrokerRefusal($"The heart-beat header '{frame.Headers[StompHeaderNames.HeartBeat]}' is not two non-negative integers.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (frame.Headers.Contains(StompHeaderNames.AcceptVersion))
        {
            headers.Add(new(StompHeaderNames.Version, version.ToWire()));
        }

        headers.Add(new(StompHeaderNames.Session, Id));
        headers.Add(new(StompHeaderNames.Server, Options.ServerName));
        if (version >= StompVersion.V11)
        {
            headers.Add(new(StompHeaderNames.HeartBeat, Options.Heartbeat.ToHeader()));
        }

        lock (_router.Gate)
        {
            if (Volatile.Read(ref _state) != AwaitingConnect)
            {
                return false;
            }

            Volatile.Write(ref _state, Open);
            Connection.Enqueue(new Frame(StompCommand.Connected, StompHeaders.Create(headers)));
            _broker.Publish(new BrokerEvent(BrokerEventKind.Connected, Id));
        }

        BrokerLog.SessionOpened(_broker.Logger, Id, Connection.Remote, version.ToWire(), (long)send.TotalMilliseconds, (long)receive.TotalMilliseconds);
        Connection.StartHeartbeats(send, receive, Options.Heartbeat.ReceiveScale, Options.Scheduler, OnSilence);
        return true;
    }

    private StompVersion NegotiateVersion(Frame frame)
    {
        var supported = Options.Versions;
        var accept = frame.Headers[StompHeaderNames.AcceptVersion];
        IEnumerable<StompVersion> offered;
        if (accept is null)
        {
            if (frame.Command == StompCommand.Stomp)
            {
                throw new BrokerRefusal("A STOMP frame needs an accept-version header (1.1 or later).");
            }

            offered = [StompVersion.V10];
        }
        else
        {
            offered = accept.Split(',').Select(v => StompVersions.TryParse(v, out var parsed) ? parsed : (StompVersion?)null).OfType<StompVersion>();
            if (frame.Command == StompCommand.Stomp)
            {
                offered = offered.Where(v => v >= StompVersion.V11);
            }
        }

        var common = offered.Where(supported.Contains).ToList();
        if (common.Count == 0)
        {
            var list = string.Join(",", supported.Distinct().Order().Select(v => v.ToWire()));
            throw new BrokerRefusal(
                $"No common STOMP version: the client accepts '{accept ?? "1.0"}', this broker speaks {list}.",
                $"Supported protocol versions are {list.Replace(',', ' ')}",
                (StompHeaderNames.Version, list));
        }

        return common.Max();
    }

    private void CheckLogin(Frame frame)
    {
        if (Options.Users is not { } users)
        {
            return;
        }

        var login = frame.Headers[StompHeaderNames.Login];
        var passcode = frame.Headers[StompHeaderNames.Passcode];
        if (login is null || !users.TryGetValue(login, out var expected) || !string.Equals(expected, passcode, StringComparison.Ordinal))
        {
            throw new BrokerRefusal(login is null ? "Access refused: no login given." : $"Access refused for user '{login}'.");
        }
    }

    /// <summary>Applies one frame of an open session, under the router's lock; false after DISCONNECT.</summary>
    private bool Handle(Frame frame)
    {
        switch (frame.Command)
        {
            case StompCommand.Send:
                OnSend(frame);
                return true;
            case StompCommand.Subscribe:
                OnSubscribe(frame);
                return true;
            case StompCommand.Unsubscribe:
                OnUnsubscribe(frame);
                return true;
            case StompCommand.Ack:
            case StompCommand.Nack:
                OnAcknowledge(frame);
                return true;
            case StompCommand.Begin:
                var begun = Required(frame, StompHeaderNames.Transaction);
                if (!_transactions.TryAdd(begun, []))
                {
                    throw new BrokerRefusal($"Transaction '{begun}' is already open on this connection.");
                }

                return true;
            case StompCommand.Commit:
                var committed = Transaction(frame, Required(frame, StompHeaderNames.Transaction));
                _transactions.Remove(Required(frame, StompHeaderNames.Transaction));
                foreach (var apply in committed)
                {
                    apply();
                }

                return true;
            case StompCommand.Abort:
                Transaction(frame, Required(frame, StompHeaderNames.Transaction));
                _transactions.Remove(Required(frame, StompHeaderNames.Transaction));
                return true;
            case StompCommand.Disconnect:
                return false;
            case StompCommand.Connect or StompCommand.Stomp:
                throw new BrokerRefusal("Already connected: CONNECT may come only once.");
            default:
                throw new BrokerRefusal($"{frame.Command.ToWire()} is a frame only a server sends.");
        }
    }

    private void OnSend(Frame frame)
    {
        var destination = Required(frame, StompHeaderNames.Destination);
        Router.IsQueue(destination);
        var passThrough = frame.Headers.Where(h => !Consumed.Contains(h.Key)).ToList();
        var contentLength = frame.Headers.Contains(StompHeaderNames.ContentLength);
        if (contentLength)
        {
            passThrough.Add(new(StompHeaderNames.ContentLength, frame.Body.Length.ToString(CultureInfo.InvariantCulture)));
        }

        var message = new StoredMessage(_router.NextMessageId(), destination, [.. passThrough], frame.Body, contentLength);
        if (frame.Headers[StompHeaderNames.Transaction] is { } transaction)
        {
            Transaction(frame, transaction).Add(() => Publish(message));
        }
        else
        {
            Publish(message);
        }
    }

    private void Publish(StoredMessage message)
    {
        _router.CheckRoom(message.Destination, 1);
        _router.Publish(message);
    }

    private void OnSubscribe(Frame frame)
    {
        var destination = Required(frame, StompHeaderNames.Destination);
        var id = Version == StompVersion.V10 ? frame.Headers[StompHeaderNames.Id] ?? destination : Required(frame, StompHeaderNames.Id);
        var isQueue = Router.IsQueue(destination);
        AckMode mode;
        try
        {
            mode = AckModes.Parse(frame.Headers[StompHeaderNames.Ack] ?? "auto");
        }
        catch (FormatException e)
        {
            throw new BrokerRefusal(e.Message);
        }

        var prefetch = 0;
        if (frame.Headers["prefetch-count"] is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out prefetch)))
        {
            throw new BrokerRefusal($"prefetch-count '{text}' is not a non-negative integer.");
        }

        if (_subscriptions.ContainsKey(id))
        {
            throw new BrokerRefusal($"Subscription id '{id}' is already in use on this connection.");
        }

        var queue = isQueue ? _router.Queue(destination) : IsTrue(frame, "durable") ? _router.Durables.Attach(id, destination) : null;
        var subscription = new Subscription(this, id, destination, mode, prefetch, queue);
        _subscriptions.Add(id, subscription);
        _router.Subscribe(subscription);
    }

    private void OnUnsubscribe(Frame frame)
    {
        var id = Version == StompVersion.V10 ? frame.Headers[StompHeaderNames.Id] ?? Required(frame, StompHeaderNames.Destination) : Required(frame, StompHeaderNames.Id);
        var removesDurable = IsTrue(frame, "durable");
        if (_subscriptions.Remove(id, out var subscription))
        {
            _router.Unsubscribe(subscription);
        }
        else if (!removesDurable)
        {
            throw new BrokerRefusal($"No subscription '{id}' on this connection.");
        }

        // durable:true removes the durable subscription of that name too, whether this connection consumes from it or
        // not (RabbitMQ insists that it does, ActiveMQ that it does not; neither matters here). A queue has none.
        if (removesDurable && (subscription is null || !Router.IsQueue(subscription.Destination)))
        {
            _router.Durables.Remove(id, mayBeAbsent: subscription is not null);
        }
    }

    private void OnAcknowledge(Frame frame)
    {
        var nack = frame.Command == StompCommand.Nack;
        if (nack && Version == StompVersion.V10)
        {
            throw new BrokerRefusal("NACK is not part of STOMP 1.0.");
        }

        var delivery = FindDelivery(frame);
        var requeue = !string.Equals(frame.Headers[StompHeaderNames.Requeue], "false", StringComparison.OrdinalIgnoreCase);
        if (frame.Headers[StompHeaderNames.Transaction] is { } transaction)
        {
            Transaction(frame, transaction).Add(() =>
            {
                // Acknowledged already (a later cumulative ACK, say): nothing left to do.
                if (delivery.IsPending)
                {
                    Acknowledge(delivery, nack, requeue);
                }
            });
        }
        else
        {
            Acknowledge(delivery, nack, requeue);
        }
    }

    /// <summary>The delivery an ACK or NACK names: 1.2 by <c>id</c> (the MESSAGE's <c>ack</c>), 1.1 by <c>message-id</c> and <c>subscription</c>, 1.0 by <c>message-id</c>.</summary>
    private Delivery FindDelivery(Frame frame)
    {
        Delivery? delivery;
        string what;
        switch (Version)
        {
            case StompVersion.V12:
                var ackId = Required(frame, StompHeaderNames.Id);
                what = $"id '{ackId}'";
                _byAckId.TryGetValue(ackId, out delivery);
                break;
            case StompVersion.V11:
                var messageId = Required(frame, StompHeaderNames.MessageId);
                var subscriptionId = Required(frame, StompHeaderNames.Subscription);
                what = $"message-id '{messageId}' on subscription '{subscriptionId}'";
                delivery = _subscriptions.TryGetValue(subscriptionId, out var subscription) && subscription.ByMessageId.TryGetValue(messageId, out var found) ? found : null;
                break;
            default:
                var id = Required(frame, StompHeaderNames.MessageId);
                what = $"message-id '{id}'";
                delivery = _subscriptions.Values.Select(s => s.ByMessageId.GetValueOrDefault(id)).FirstOrDefault(d => d is not null);
                break;
        }

        return delivery ?? throw new BrokerRefusal($"{frame.Command.ToWire()} of an unknown message ({what}): it was never delivered on this connection in a client ack mode, or it was acknowledged already.");
    }

    /// <summary>ACK or NACK: in ack mode client every earlier delivery of the subscription goes with it; a NACKed queue message is redelivered.</summary>
    private void Acknowledge(Delivery delivery, bool nack, bool requeue)
    {
        var subscription = delivery.Subscription;
        var settled = new List<Delivery>();
        if (subscription.Mode == AckMode.Client)
        {
            foreach (var earlier in subscription.Unacknowledged)
            {
                settled.Add(earlier);
                if (ReferenceEquals(earlier, delivery))
                {
                    break;
                }
            }
        }
        else
        {
            settled.Add(delivery);
        }

        foreach (var done in settled)
        {
            Router.Settle(done);
        }

        if (subscription.Queue is { } queue)
        {
            if (nack && requeue)
            {
                _router.Requeue(queue, settled);
            }
            else
            {
                Router.Pump(queue);
            }
        }
    }

    /// <summary>Hands <paramref name="message"/> to <paramref name="subscription"/>; under the router's lock.</summary>
    public void Deliver(Subscription subscription, StoredMessage message)
    {
        var explicitAck = subscription.Mode != AckMode.Auto;
        var ackHeader = explicitAck && Version == StompVersion.V12;
        var items = new KeyValuePair<string, string>[3 + (ackHeader ? 1 : 0) + (message.Redelivered ? 1 : 0) + message.PassThrough.Length];
        var n = 0;
        items[n++] = new(StompHeaderNames.Destination, message.Destination);
        items[n++] = new(StompHeaderNames.MessageId, message.Id);
        items[n++] = new(StompHeaderNames.Subscription, subscription.Id);
        if (explicitAck)
        {
            var delivery = new Delivery(message, subscription, "a-" + (++_nextAck).ToString(CultureInfo.InvariantCulture));
            delivery.Node = subscription.Unacknowledged.AddLast(delivery);
            subscription.ByMessageId[message.Id] = delivery;
            _byAckId[delivery.AckId] = delivery;
            if (subscription.Queue is { } queue)
            {
                queue.Unacknowledged++;
            }

            if (ackHeader)
            {
                items[n++] = new(StompHeaderNames.Ack, delivery.AckId);
            }
        }

        if (message.Redelivered)
        {
            items[n++] = new(StompHeaderNames.Redelivered, "true");
        }

        message.PassThrough.CopyTo(items, n);
        Connection.Enqueue(new Frame(StompCommand.Message, new StompHeaders(items), message.Body), message.ContentLength);
    }

    /// <summary>Forgets an ack id once its delivery is settled; under the router's lock.</summary>
    public void ForgetAck(string ackId) => _byAckId.Remove(ackId);

    /// <summary>
    /// Takes the session out of routing, once: its subscriptions end (their unacknowledged queue messages are
    /// redelivered to others) and its open transactions are aborted. Under the router's lock.
    /// </summary>
    private void Detach()
    {
        if (_detached)
        {
            return;
        }

        _detached = true;
        foreach (var subscription in _subscriptions.Values.ToList())
        {
            _router.Unsubscribe(subscription);
        }

        _subscriptions.Clear();
        _byAckId.Clear();
        _transactions.Clear();
    }

    private List<Action> Transaction(Frame frame, string id) =>
        _transactions.TryGetValue(id, out var operations)
            ? operations
            : throw new BrokerRefusal($"{frame.Command.ToWire()} names transaction '{id}', which is not open on this connection.");

    private static bool IsTrue(Frame frame, string header) => string.Equals(frame.Headers[header], "true", StringComparison.OrdinalIgnoreCase);

    private static string Required(Frame frame, string header) =>
        frame.Headers[header] is { Length: > 0 } value
            ? value
            : throw new BrokerRefusal($"{frame.Command.ToWire()} needs a '{header}' header.");

    /// <summary>An ERROR's <c>message</c> header must fit on one line in every version.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
