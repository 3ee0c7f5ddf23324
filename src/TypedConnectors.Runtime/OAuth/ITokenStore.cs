using System.Collections.Concurrent;

namespace TypedConnectors;

/// <summary>
/// Where OAuth 2.0 tokens are kept, keyed by connection (<see cref="OAuthSession.StoreKey"/>). Implement it over a
/// database or a distributed cache so tokens survive restarts and are shared by every instance of a service.
/// </summary>
/// <remarks>
/// The runtime saves a renewed token — including a rotated refresh token — with <see cref="SaveAsync"/> before it uses
/// the new access token, so a crash after a refresh never leaves the store with a refresh token the server has already
/// invalidated. Implementations must be safe for concurrent use.
/// </remarks>
public interface ITokenStore
{
    /// <summary>Returns the token stored under <paramref name="key"/>, or null.</summary>
    /// <param name="key">The connection's store key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The token, or null.</returns>
    ValueTask<OAuthToken?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="token"/> under <paramref name="key"/>, replacing what was there.</summary>
    /// <param name="key">The connection's store key.</param>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the token is durably stored.</returns>
    ValueTask SaveAsync(string key, OAuthToken token, CancellationToken cancellationToken);

    /// <summary>Removes the token stored under <paramref name="key"/>, if any.</summary>
    /// <param name="key">The connection's store key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes once the token is removed.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);
}

/// <summary>An <see cref="ITokenStore"/> in process memory: the default, one per connection unless shared explicitly.</summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly ConcurrentDictionary<string, OAuthToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>The number of stored tokens.</summary>
    public int Count => _tokens.Count;

    /// <inheritdoc />
    public ValueTask<OAuthToken?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ValueTask.FromResult(_tokens.GetValueOrDefault(key));
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(string key, OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(token);
        _tokens[key] = token;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _tokens.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }
}
