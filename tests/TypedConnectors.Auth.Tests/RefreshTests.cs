using System.Net;
using AuthTests.Infrastructure;
using AuthTests.Notes;
using TypedConnectors;

namespace AuthTests;

public sealed class RefreshTests : IAsyncLifetime
{
    private OAuthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OAuthTestServer.StartAsync(new ManualClock());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hundred_concurrent_calls_with_an_expired_token_make_exactly_one_refresh_request()
    {
        var (connection, first, store) = await Setup.ConnectNotesAsync(_server);
        using var client = new NotesClient(connection);
        _server.Clock.Advance(TimeSpan.FromMinutes(10));

        // The token endpoint is slow, so the callers really overlap with the refresh in flight.
        _server.TokenDelay = TimeSpan.FromMilliseconds(300);
        var before = _server.TokenRequests;
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => client.GetMeAsync())));

        Assert.Equal(1, _server.TokenRequests - before);
        Assert.Equal(1, _server.RefreshGrants);
        var token = Assert.Single(results.Select(r => r.Token).Distinct());
        Assert.NotEqual(first.Token.AccessToken, token);
        Assert.Equal(2, store.Saves.Count);
        Assert.Empty(store.Problems);
        Assert.Empty(_server.Problems);
    }

    [Fact]
    public async Task The_rotated_refresh_token_is_stored_before_use_and_used_on_the_next_refresh()
    {
        var (connection, first, store) = await Setup.ConnectNotesAsync(_server);
        using var client = new NotesClient(connection);

        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = (await client.GetMeAsync()).Token!;
        var rotated = _server.RefreshTokenIssuedWith(second);
        Assert.NotNull(rotated);
        Assert.NotEqual(first.Token.RefreshToken, rotated);
        Assert.Equal(rotated, store.Saves[^1].Token.RefreshToken);
        Assert.Equal(second, store.Saves[^1].Token.AccessToken);

        // The server accepts each refresh token once: the first one is dead now, so only the rotated one can work.
        using (var http = new HttpClient())
        using (
            var reuse = await http.PostAsync(
                _server.TokenEndpoint,
                new FormUrlEncodedContent(
                    new Dictionary<string, string>
                    {
                        ["grant_type"] = "refresh_token",
                        ["refresh_token"] = first.Token.RefreshToken!,
                        ["client_id"] = Setup.NotesClientId,
                        ["client_secret"] = Setup.NotesSecret,
                    }
                )
            )
        )
        {
            Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
            Assert.Contains("invalid_grant", await reuse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        var third = (await client.GetMeAsync()).Token!;

        Assert.NotEqual(second, third);
        Assert.Equal(2, _server.RefreshGrants);
        var refreshes = _server.TokenRequestLog.Where(r => r.Body.Contains("grant_type=refresh_token", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, refreshes.Count);
        Assert.Contains("refresh_token=" + Uri.EscapeDataString(rotated!), refreshes[^1].Body, StringComparison.Ordinal);
        Assert.Empty(store.Problems);
        Assert.Empty(_server.Problems);
    }

    [Fact]
    public async Task A_401_renews_once_and_retries_once_and_never_loops()
    {
        var (connection, _, _) = await Setup.ConnectNotesAsync(_server);
        using var client = new NotesClient(connection);

        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() => client.GetLockedAsync());

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal(2, _server.LockedRequests);
        Assert.Equal(1, _server.RefreshGrants);
    }

    [Fact]
    public async Task A_revoked_token_is_renewed_on_401_and_the_request_succeeds()
    {
        var (connection, first, _) = await Setup.ConnectNotesAsync(_server);
        using var client = new NotesClient(connection);
        _server.Revoke(first.Token.AccessToken);

        var me = await client.GetMeAsync();

        Assert.NotEqual(first.Token.AccessToken, me.Token);
        Assert.Equal(1, _server.RefreshGrants);
        Assert.Equal(2, _server.ApiRequests);
        Assert.Empty(_server.Problems);
    }

    [Fact]
    public async Task A_configured_403_renews_like_a_401_and_an_unconfigured_one_does_not()
    {
        _server.RejectStatus = HttpStatusCode.Forbidden;
        var (plain, plainFirst, _) = await Setup.ConnectNotesAsync(_server);
        _server.Revoke(plainFirst.Token.AccessToken);
        using (var client = new NotesClient(plain))
        {
            Assert.Equal(403, (await Assert.ThrowsAsync<ConnectorApiException>(() => client.GetMeAsync())).StatusCode);
        }

        Assert.Equal(0, _server.RefreshGrants);

        var (configured, first, _) = await Setup.ConnectNotesAsync(_server, o => o.OAuth.RenewOnStatusCodes.Add(HttpStatusCode.Forbidden));
        _server.Revoke(first.Token.AccessToken);
        using (var client = new NotesClient(configured))
        {
            Assert.NotEqual(first.Token.AccessToken, (await client.GetMeAsync()).Token);
        }

        Assert.Equal(1, _server.RefreshGrants);
    }

    [Fact]
    public async Task Without_expires_in_a_token_is_renewed_only_when_the_api_rejects_it()
    {
        _server.AccessTokenLifetime = null;
        var (connection, first, _) = await Setup.ConnectNotesAsync(_server);
        Assert.Null(first.Token.ExpiresAt);
        using var client = new NotesClient(connection);

        _server.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(first.Token.AccessToken, (await client.GetMeAsync()).Token);
        Assert.Equal(1, _server.TokenRequests);

        _server.Revoke(first.Token.AccessToken);
        Assert.NotEqual(first.Token.AccessToken, (await client.GetMeAsync()).Token);
        Assert.Equal(1, _server.RefreshGrants);
    }

    [Fact]
    public async Task Tokens_are_renewed_ahead_of_expiry_by_the_configured_skew()
    {
        _server.AccessTokenLifetime = TimeSpan.FromMinutes(10);
        var (connection, first, _) = await Setup.ConnectNotesAsync(_server, o => o.OAuth.RefreshSkew = TimeSpan.FromMinutes(2));
        using var client = new NotesClient(connection);

        _server.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(first.Token.AccessToken, (await client.GetMeAsync()).Token);
        Assert.Equal(0, _server.RefreshGrants);

        // 8.5 minutes in: still valid on the server, but inside the skew, so it is renewed before it is sent.
        _server.Clock.Advance(TimeSpan.FromSeconds(90));
        Assert.NotEqual(first.Token.AccessToken, (await client.GetMeAsync()).Token);
        Assert.Equal(1, _server.RefreshGrants);
        Assert.Equal(2, _server.ApiRequests);
    }

    [Fact]
    public async Task A_refused_refresh_token_asks_for_authorization_and_no_secret_reaches_logs_messages_or_ToString()
    {
        var logger = new ListLogger();
        var (connection, first, _) = await Setup.ConnectNotesAsync(_server, logger: logger);
        using var client = new NotesClient(connection);
        await client.GetMeAsync();

        // Someone else uses the refresh token (e.g. a leaked copy): the server accepts it once, then refuses ours.
        using (var http = new HttpClient())
        {
            using var stolen = await http.PostAsync(
                _server.TokenEndpoint,
                new FormUrlEncodedContent(
                    new Dictionary<string, string>
                    {
                        ["grant_type"] = "refresh_token",
                        ["refresh_token"] = first.Token.RefreshToken!,
                        ["client_id"] = Setup.NotesClientId,
                        ["client_secret"] = Setup.NotesSecret,
                    }
                )
            );
            Assert.Equal(HttpStatusCode.OK, stolen.StatusCode);
        }

        _server.Clock.Advance(TimeSpan.FromMinutes(10));
        var ex = await Assert.ThrowsAsync<OAuthAuthorizationRequiredException>(() => client.GetMeAsync());
        Assert.Equal("invalid_grant", Assert.IsType<OAuthException>(ex.InnerException).Error);

        var texts = logger
            .Entries.Append(ex.ToString())
            .Append(connection.ToString())
            .Append(first.ToString())
            .Append(first.Token.ToString())
            .ToList();
        Assert.Contains(logger.Entries, e => e.Contains("authorization_code", StringComparison.Ordinal));
        Assert.Contains("client_secret = ***", connection.ToString(), StringComparison.Ordinal);
        foreach (var secret in _server.IssuedSecrets.Append(Setup.NotesSecret))
        {
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        }
    }
}
