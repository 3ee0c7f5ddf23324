using System.Security.Cryptography;
using System.Text;
using AuthTests.Infrastructure;
using AuthTests.Notes;
using Microsoft.AspNetCore.WebUtilities;
using TypedConnectors;

namespace AuthTests;

public sealed class AuthorizationCodeTests : IAsyncLifetime
{
    private OAuthTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OAuthTestServer.StartAsync(new ManualClock());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_authorization_url_carries_state_PKCE_S256_scopes_and_the_connectors_extra_parameters()
    {
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );

        var flow = connection.OAuth.BuildAuthorizationUrl(scopes: ["notes.read"]);

        Assert.Equal(_server.AuthorizeEndpoint.AbsolutePath, flow.Url.AbsolutePath);
        var query = QueryHelpers.ParseQuery(flow.Url.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(Setup.NotesClientId, query["client_id"]);
        Assert.Equal(Setup.RedirectUri.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal("profile notes.read", query["scope"]);
        Assert.Equal("offline", query["access_type"]);
        Assert.Equal(flow.State, query["state"]);
        Assert.True(flow.State.Length >= 43, "state must carry at least 256 bits");
        Assert.Equal("S256", query["code_challenge_method"]);
        var expected = Convert
            .ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(flow.CodeVerifier!)))
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');
        Assert.Equal(expected, query["code_challenge"]);
        Assert.DoesNotContain("client_secret", flow.Url.Query, StringComparison.Ordinal);
        Assert.DoesNotContain(flow.CodeVerifier!, flow.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain(flow.State, flow.ToString(), StringComparison.Ordinal);

        // A second flow gets fresh values.
        var second = connection.OAuth.BuildAuthorizationUrl();
        Assert.NotEqual(flow.State, second.State);
        Assert.NotEqual(flow.CodeVerifier, second.CodeVerifier);
        Assert.Equal("profile", QueryHelpers.ParseQuery(second.Url.Query)["scope"].ToString());
    }

    [Fact]
    public async Task The_server_verifies_PKCE_S256_and_the_callback_stores_the_token_and_fetches_user_info()
    {
        var (connection, result, store) = await Setup.ConnectNotesAsync(_server);

        Assert.Equal(1, _server.PkceVerified);
        Assert.Equal(1, _server.CodeGrants);
        Assert.Equal("notes-app-user", result.UserInfo!.Value.GetProperty("sub").GetString());
        var saved = Assert.Single(store.Saves);
        Assert.Equal("notes/oauth/" + connection.ConnectionId, saved.Key);
        Assert.Equal(result.Token.AccessToken, saved.Token.AccessToken);
        Assert.NotNull(saved.Token.RefreshToken);
        Assert.Equal(_server.Clock.GetUtcNow().AddMinutes(5), saved.Token.ExpiresAt);

        using var client = new NotesClient(connection);
        var me = await client.GetMeAsync();
        Assert.Equal(Setup.NotesClientId, me.Client);
        Assert.Equal(result.Token.AccessToken, me.Token);
        Assert.Equal(1, _server.TokenRequests);
        Assert.Empty(_server.Problems);
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused_by_the_server()
    {
        _server.AddClient(Setup.NotesClientId, Setup.NotesSecret, requirePkce: true);
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );
        var flow = connection.OAuth.BuildAuthorizationUrl();
        var callback = QueryHelpers.ParseQuery((await _server.AuthorizeAsync(flow.Url)).Query);
        var tampered = new OAuthAuthorizationRequest(
            flow.Url,
            flow.State,
            flow.CodeVerifier + "x",
            flow.RedirectUri,
            flow.Scopes,
            flow.ExpiresAt
        );

        var ex = await Assert.ThrowsAsync<OAuthException>(() =>
            connection.OAuth.ExchangeCodeAsync(tampered, callback["state"], callback["code"])
        );

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(0, _server.PkceVerified);
        Assert.Null(await connection.OAuth.GetTokenAsync());
    }

    [Fact]
    public async Task A_forged_reused_or_mismatched_state_is_refused_before_any_token_request()
    {
        _server.AddClient(Setup.NotesClientId, Setup.NotesSecret);
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );
        var flow = connection.OAuth.BuildAuthorizationUrl();
        var callback = await _server.AuthorizeAsync(flow.Url);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();

        Assert.Equal(
            "invalid_state",
            (await Assert.ThrowsAsync<OAuthException>(() => connection.OAuth.HandleCallbackAsync("forged-state", code))).Error
        );
        Assert.Equal(
            "invalid_state",
            (await Assert.ThrowsAsync<OAuthException>(() => connection.OAuth.ExchangeCodeAsync(flow, flow.State + "x", code))).Error
        );
        Assert.Equal(0, _server.TokenRequests);

        await connection.OAuth.HandleCallbackAsync(callback);
        Assert.Equal(
            "invalid_state",
            (await Assert.ThrowsAsync<OAuthException>(() => connection.OAuth.HandleCallbackAsync(callback))).Error
        );
        Assert.Equal(1, _server.TokenRequests);
    }

    [Fact]
    public async Task A_callback_with_an_error_surfaces_the_providers_error_code()
    {
        var connection = NotesConnection.CreateOauth(Setup.NotesClientId, "acme", options: Setup.Options(_server));
        var flow = connection.OAuth.BuildAuthorizationUrl();

        var ex = await Assert.ThrowsAsync<OAuthException>(() =>
            connection.OAuth.HandleCallbackAsync(
                new Uri(Setup.RedirectUri + "?error=access_denied&error_description=User+said+no&state=" + flow.State)
            )
        );

        Assert.Equal("access_denied", ex.Error);
        Assert.Equal("User said no", ex.ErrorDescription);
    }

    [Fact]
    public async Task An_expired_authorization_is_refused()
    {
        _server.AddClient(Setup.NotesClientId, Setup.NotesSecret);
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );
        var flow = connection.OAuth.BuildAuthorizationUrl();
        var callback = await _server.AuthorizeAsync(flow.Url);
        _server.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(
            "expired_state",
            (await Assert.ThrowsAsync<OAuthException>(() => connection.OAuth.HandleCallbackAsync(callback))).Error
        );
        Assert.Equal(0, _server.TokenRequests);
    }

    [Fact]
    public async Task A_connection_without_a_token_asks_for_authorization_instead_of_sending_anonymously()
    {
        _server.AddClient(Setup.NotesClientId, Setup.NotesSecret);
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );
        using var client = new NotesClient(connection);

        await Assert.ThrowsAsync<OAuthAuthorizationRequiredException>(() => client.GetMeAsync());

        Assert.Equal(0, _server.ApiRequests);
        Assert.Equal(0, _server.TokenRequests);
    }

    [Fact]
    public async Task The_password_grant_stores_a_token_that_requests_then_use_and_keeps_the_password_out_of_errors()
    {
        _server.AddClient(Setup.NotesClientId, Setup.NotesSecret);
        var connection = NotesConnection.CreateOauth(
            Setup.NotesClientId,
            "acme",
            clientSecret: Setup.NotesSecret,
            options: Setup.Options(_server)
        );

        var wrong = await Assert.ThrowsAsync<OAuthException>(() => connection.OAuth.RequestPasswordTokenAsync("ada", "wrong horse"));
        Assert.Equal("invalid_grant", wrong.Error);
        Assert.DoesNotContain("wrong horse", wrong.ToString(), StringComparison.Ordinal);

        var token = await connection.OAuth.RequestPasswordTokenAsync("ada", "correct horse");
        using var client = new NotesClient(connection);
        Assert.Equal(token.AccessToken, (await client.GetMeAsync()).Token);
        Assert.Contains("scope=profile", _server.TokenRequestLog[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Picking_another_auth_method_is_a_typed_factory_and_the_default_is_OAuth()
    {
        var byDefault = NotesConnection.Create(Setup.NotesClientId, "acme");
        var apiKey = NotesConnection.CreateApiKey("key-1", "acme");

        Assert.Equal("oauth", byDefault.AuthMethod);
        Assert.NotNull(byDefault.OAuth);
        Assert.Equal("api_key", apiKey.AuthMethod);
        Assert.Null(apiKey.OAuthSession);
        Assert.Throws<InvalidOperationException>(() => apiKey.OAuth);
    }

    [Fact]
    public async Task The_api_key_method_of_the_same_connector_sends_its_header()
    {
        using var client = new NotesClient(NotesConnection.CreateApiKey("key-1", "acme", Setup.Options(_server)));

        var me = await client.GetMeAsync();

        Assert.Equal("api-key:key-1", me.Client);
        var request = Assert.Single(_server.Requests);
        Assert.Null(request.Header("Authorization"));
    }
}
