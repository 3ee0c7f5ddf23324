using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

// Renewal: one token at a time per connection, refreshed before expiry or after a rejection, stored before use.
public sealed partial class OAuthSession
{
    internal async ValueTask<OAuthToken> GetValidTokenAsync(CancellationToken cancellationToken)
    {
        var token = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (token is not null && !token.IsExpired(Now, _options.RefreshSkew))
        {
            return token;
        }

        return await RenewAsync(null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a rejected token can be replaced without the user.</summary>
    internal bool CanRenew(OAuthToken token) => token.RefreshToken is not null || CanUseClientCredentials;

    /// <summary>
    /// Renews the token, joining a renewal already in flight. <paramref name="rejectedAccessToken"/> is the token a
    /// server refused (null for an expired one): a current token other than it that is still valid is returned as is,
    /// because someone else renewed it meanwhile.
    /// </summary>
    internal Task<OAuthToken> RenewAsync(string? rejectedAccessToken, CancellationToken cancellationToken)
    {
        Task<OAuthToken> renewal;
        lock (_state.Gate)
        {
            var current = _state.Current;
            if (
                current is not null
                && !string.Equals(current.AccessToken, rejectedAccessToken, StringComparison.Ordinal)
                && !current.IsExpired(Now, _options.RefreshSkew)
            )
            {
                return Task.FromResult(current);
            }

            if (_state.Renewal is not { IsCompleted: false })
            {
                // On the thread pool and without the caller's token: the renewal must not run inside this lock, and must
                // finish (and store a rotated refresh token) even if the caller that started it gives up.
                _state.Renewal = Task.Run(() => RenewCoreAsync(rejectedAccessToken), CancellationToken.None);
            }

            renewal = _state.Renewal;
        }

        return renewal.WaitAsync(cancellationToken);
    }

    private async Task<OAuthToken> RenewCoreAsync(string? rejectedAccessToken)
    {
        var cancellationToken = CancellationToken.None;
        if (_store is ICoordinatedTokenStore coordinated)
        {
            // The store's lock makes the renewal single-flight across processes; it stores the result itself.
            var renewed = await coordinated
                .RenewAsync(
                    StoreKey,
                    token => IsUsableReplacement(token, rejectedAccessToken),
                    async (stored, ct) => (await ObtainAsync(BasisFor(stored), rejectedAccessToken, ct).ConfigureAwait(false)).Token,
                    cancellationToken
                )
                .ConfigureAwait(false);
            Publish(renewed);
            return renewed;
        }

        // Another process sharing the store may have renewed the token already.
        var current = await _store.GetAsync(StoreKey, cancellationToken).ConfigureAwait(false);
        if (IsUsableReplacement(current, rejectedAccessToken))
        {
            LogAdopted();
            Publish(current!);
            return current!;
        }

        var (fresh, adopted) = await ObtainAsync(BasisFor(current), rejectedAccessToken, cancellationToken).ConfigureAwait(false);
        if (adopted)
        {
            Publish(fresh);
            return fresh;
        }

        await SaveAndPublishAsync(fresh, cancellationToken).ConfigureAwait(false);
        return fresh;
    }

    private OAuthToken? BasisFor(OAuthToken? stored)
    {
        lock (_state.Gate)
        {
            return stored ?? _state.Current;
        }
    }

    /// <summary>A new token from the token endpoint, or (adopted) the successor another process stored meanwhile.</summary>
    private async Task<(OAuthToken Token, bool Adopted)> ObtainAsync(
        OAuthToken? basis,
        string? rejectedAccessToken,
        CancellationToken cancellationToken
    )
    {
        OAuthToken fresh;
        if (basis?.RefreshToken is { } refreshToken)
        {
            try
            {
                var form = new List<KeyValuePair<string, string>>
                {
                    new("grant_type", OAuthDescriptor.RefreshTokenGrant),
                    new("refresh_token", refreshToken),
                };
                fresh = await RequestTokenAsync(
                        OAuthDescriptor.RefreshTokenGrant,
                        RequireEndpoint(_refreshEndpoint, "token_uri"),
                        form,
                        basis,
                        [refreshToken],
                        cancellationToken
                    )
                    .ConfigureAwait(false);
            }
            catch (OAuthException ex) when (ex.Error == "invalid_grant")
            {
                // A rotated refresh token is accepted once: if another process won the race, it has stored the successor.
                var latest = await _store.GetAsync(StoreKey, cancellationToken).ConfigureAwait(false);
                if (
                    latest is not null
                    && !string.Equals(latest.RefreshToken, refreshToken, StringComparison.Ordinal)
                    && IsUsableReplacement(latest, rejectedAccessToken)
                )
                {
                    LogAdopted();
                    return (latest, true);
                }

                if (!CanUseClientCredentials)
                {
                    throw new OAuthAuthorizationRequiredException(
                        $"The refresh token of connection '{_connection.ConnectionId}' ({_connection.Descriptor.Slug}) was refused (invalid_grant); the user has to authorize the connection again.",
                        ex
                    );
                }

                fresh = await RequestClientCredentialsCoreAsync(null, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (CanUseClientCredentials)
        {
            fresh = await RequestClientCredentialsCoreAsync(null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new OAuthAuthorizationRequiredException(
                $"Connection '{_connection.ConnectionId}' of connector '{_connection.Descriptor.Slug}' has no usable OAuth token"
                    + (basis is null ? "" : " and no refresh token")
                    + ": complete the authorization-code flow (BuildAuthorizationUrl, then HandleCallbackAsync or ExchangeCodeAsync) or store a token with StoreTokenAsync."
            );
        }

        return (fresh, false);
    }

    private bool IsUsableReplacement(OAuthToken? token, string? rejectedAccessToken) =>
        token is not null
        && !string.Equals(token.AccessToken, rejectedAccessToken, StringComparison.Ordinal)
        && !token.IsExpired(Now, _options.RefreshSkew);

    private async Task<OAuthToken> RequestClientCredentialsCoreAsync(IEnumerable<string>? scopes, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", OAuthDescriptor.ClientCredentialsGrant) };
        AddScope(form, ResolveScopes(scopes, defaultToAll: false));
        return await RequestTokenAsync(OAuthDescriptor.ClientCredentialsGrant, RequireTokenEndpoint(), form, null, [], cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<OAuthAuthorizationResult> CompleteAsync(
        OAuthAuthorizationRequest request,
        string? code,
        CancellationToken cancellationToken
    )
    {
        if (request.ExpiresAt <= Now)
        {
            throw new OAuthException("The authorization request has expired; start the flow again.", "expired_state", null, null);
        }

        if (string.IsNullOrEmpty(code))
        {
            throw new OAuthException("The callback carries no authorization code.", "invalid_request", null, null);
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", OAuthDescriptor.AuthorizationCodeGrant),
            new("code", code),
            new("redirect_uri", request.RedirectUri.AbsoluteUri),
        };
        if (request.CodeVerifier is { } verifier)
        {
            form.Add(new("code_verifier", verifier));
        }

        var token = await RequestTokenAsync(
                OAuthDescriptor.AuthorizationCodeGrant,
                RequireTokenEndpoint(),
                form,
                null,
                [code, request.CodeVerifier],
                cancellationToken
            )
            .ConfigureAwait(false);
        await SaveAndPublishAsync(token, cancellationToken).ConfigureAwait(false);
        JsonElement? userInfo = _userInfoEndpoint is null ? null : await GetUserInfoAsync(cancellationToken).ConfigureAwait(false);
        return new OAuthAuthorizationResult(token, userInfo);
    }

    private async Task SaveAndPublishAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        // Saved first: once a request has used the new access token, the old refresh token may already be gone.
        await _store.SaveAsync(StoreKey, token, cancellationToken).ConfigureAwait(false);
        Publish(token);
    }

    private void Publish(OAuthToken token)
    {
        lock (_state.Gate)
        {
            _state.Current = token;
            _state.Loaded = true;
        }
    }

    private async ValueTask<OAuthToken?> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_state.Gate)
        {
            if (_state.Loaded)
            {
                return _state.Current;
            }
        }

        var stored = await _store.GetAsync(StoreKey, cancellationToken).ConfigureAwait(false);
        lock (_state.Gate)
        {
            if (!_state.Loaded)
            {
                _state.Current = stored;
                _state.Loaded = true;
            }

            return _state.Current;
        }
    }
}
