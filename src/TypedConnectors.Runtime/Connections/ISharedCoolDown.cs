namespace TypedConnectors;

/// <summary>
/// A pause that several senders of one API budget observe together, e.g. every process of a service using one
/// account: when the API answers one of them with 429 and <c>Retry-After</c>, all of them hold back until it is over.
/// Set on <see cref="ConnectorConnectionOptions.SharedCoolDown"/>; the retry step of the pipeline consults it.
/// </summary>
/// <remarks>Implementations must be safe for concurrent use. A pause is only ever extended, never shortened.</remarks>
public interface ISharedCoolDown
{
    /// <summary>Completes when no pause is in effect; returns at once when there is none.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when sending may go on.</returns>
    ValueTask WaitAsync(CancellationToken cancellationToken);

    /// <summary>Makes everyone wait until at least <paramref name="delay"/> from now; a longer pause in effect is kept.</summary>
    /// <param name="delay">How long the server asked to wait; positive.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes once the pause is recorded.</returns>
    ValueTask PauseAsync(TimeSpan delay, CancellationToken cancellationToken);
}
