using System.Collections.Concurrent;
using TypedConnectors;

namespace AuthTests.Infrastructure;

/// <summary>An in-memory token store that remembers every save, in order.</summary>
public sealed class RecordingTokenStore : ITokenStore
{
    private readonly InMemoryTokenStore _inner = new();
    private readonly ConcurrentQueue<(string Key, OAuthToken Token)> _saves = new();

    public IReadOnlyList<(string Key, OAuthToken Token)> Saves => _saves.ToArray();

    public int Reads;

    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>Runs before a token is saved; returns a problem (e.g. "the new token is already in use") or null.</summary>
    public Func<OAuthToken, ValueTask<string?>>? BeforeSave { get; set; }

    public IReadOnlyList<string> Problems => _problems.ToArray();

    public ValueTask<OAuthToken?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Reads);
        return _inner.GetAsync(key, cancellationToken);
    }

    public async ValueTask SaveAsync(string key, OAuthToken token, CancellationToken cancellationToken)
    {
        if (BeforeSave is not null && await BeforeSave(token) is { } problem)
        {
            _problems.Enqueue(problem);
        }

        await _inner.SaveAsync(key, token, cancellationToken);
        _saves.Enqueue((key, token));
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => _inner.RemoveAsync(key, cancellationToken);
}
