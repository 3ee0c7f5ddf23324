namespace TypedConnectors;

/// <summary>
/// An <see cref="ITokenStore"/> shared by several processes that also makes their renewals single-flight: one process
/// renews while the others wait and then read the token it stored.
/// </summary>
/// <remarks>
/// <see cref="OAuthSession"/> renews through <see cref="RenewAsync"/> when its store implements this interface (within
/// one process, renewals are single-flight already). The store must save the renewed token only while the renewal still
/// holds its lock — a fencing token compared on write — so a renewal that lost its lock can never replace a newer
/// rotated refresh token; a rejected renewal's result is discarded and the newer stored token returned instead.
/// </remarks>
public interface ICoordinatedTokenStore : ITokenStore
{
    /// <summary>
    /// Takes the renewal lock for <paramref name="key"/>, reads the stored token, returns it when
    /// <paramref name="isUsable"/> accepts it, otherwise calls <paramref name="renew"/> with it and stores the result.
    /// </summary>
    /// <param name="key">The connection's store key.</param>
    /// <param name="isUsable">Whether a stored token can be used as is (someone else renewed it meanwhile).</param>
    /// <param name="renew">Obtains a new token from the token endpoint, given the stored token (or null); it does not store it.</param>
    /// <param name="cancellationToken">Stops waiting for the lock; a running renewal still completes and is stored.</param>
    /// <returns>The token now stored under <paramref name="key"/>.</returns>
    Task<OAuthToken> RenewAsync(
        string key,
        Func<OAuthToken?, bool> isUsable,
        Func<OAuthToken?, CancellationToken, Task<OAuthToken>> renew,
        CancellationToken cancellationToken
    );
}
