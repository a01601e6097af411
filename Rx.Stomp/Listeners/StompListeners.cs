using System.Runtime.CompilerServices;
using Rx.Stomp.Client;

namespace Rx.Stomp.Listeners;

/// <summary>stomp.py's <c>set_listener</c>, <c>get_listener</c> and <c>remove_listener</c>, on any <see cref="StompClient"/>.</summary>
public static class StompListeners
{
    private static readonly ConditionalWeakTable<StompClient, ListenerRegistry> Registries = [];

    /// <summary>Attaches <paramref name="listener"/> under <paramref name="name"/>, replacing any listener of that name (in its place in the order).</summary>
    public static void SetListener(this StompClient client, string name, IStompListener listener)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(listener);
        Registries.GetValue(client, c => new ListenerRegistry(c)).Set(name, listener);
    }

    /// <summary>The listener attached under <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static IStompListener? GetListener(this StompClient client, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Registries.TryGetValue(client, out var registry) ? registry.Get(name) : null;
    }

    /// <summary>Detaches the listener attached under <paramref name="name"/>; whether there was one.</summary>
    public static bool RemoveListener(this StompClient client, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Registries.TryGetValue(client, out var registry) && registry.Remove(name);
    }
}
