using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using TypedConnectors.Testing;

namespace AuthTests.Infrastructure;

/// <summary>
/// A real OAuth 2.0 authorization server plus a protected API on 127.0.0.1, strict where the client could go wrong:
/// PKCE S256 is verified against the challenge, every authorization code and refresh token is accepted once (a reused
/// refresh token gets <c>invalid_grant</c>), client authentication must use the registered method, access tokens expire
/// on the shared <see cref="ManualClock"/>, and every token request is counted.
/// </summary>
/// <remarks>
/// Written independently of the runtime's OAuth code (its own S256, form parsing and Basic decoding), so a bug on
/// either side shows up as a refused request rather than cancelling out.
/// </remarks>
public sealed class OAuthTestServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, RegisteredClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessGrant> _accessTokens = new(StringComparer.Ordinal);
    private readonly List<string> _issued = [];
    private readonly List<string> _problems = [];
    private LoopbackServer _server = null!;
    private int _tokenRequests;
    private int _refreshGrants;
    private int _codeGrants;
    private int _clientCredentialGrants;
    private int _pkceVerified;
    private int _apiRequests;
    private int _lockedRequests;

    private OAuthTestServer(ManualClock clock) => Clock = clock;

    public ManualClock Clock { get; }

    /// <summary>Access token lifetime; null issues tokens without <c>expires_in</c> that never expire by clock.</summary>
    public TimeSpan? AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The status the API answers an invalid token with.</summary>
    public HttpStatusCode RejectStatus { get; set; } = HttpStatusCode.Unauthorized;

    /// <summary>How long the token endpoint takes, so concurrent callers overlap with an in-flight token request.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Called with every access token the API accepts; returns a problem description or null.</summary>
    public Func<string, string?>? OnApiToken { get; set; }

    public Uri BaseAddress => _server.BaseAddress;

    public Uri AuthorizeEndpoint => new(BaseAddress, "oauth/authorize");

    public Uri TokenEndpoint => new(BaseAddress, "oauth/token");

    public Uri UserInfoEndpoint => new(BaseAddress, "oauth/userinfo");

    public Uri ApiBase => new(BaseAddress, "api/");

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int RefreshGrants => Volatile.Read(ref _refreshGrants);

    public int CodeGrants => Volatile.Read(ref _codeGrants);

    public int ClientCredentialGrants => Volatile.Read(ref _clientCredentialGrants);

    public int PkceVerified => Volatile.Read(ref _pkceVerified);

    public int ApiRequests => Volatile.Read(ref _apiRequests);

    public int LockedRequests => Volatile.Read(ref _lockedRequests);

    public IReadOnlyList<ReceivedRequest> Requests => _server.Requests;

    public IReadOnlyList<ReceivedRequest> TokenRequestLog => _server.Requests.Where(r => r.Path == "/oauth/token").ToList();

    /// <summary>Every token, code and refresh token the server handed out: none may ever show up in a log or message.</summary>
    public IReadOnlyList<string> IssuedSecrets
    {
        get
        {
            lock (_gate)
            {
                return _issued.ToList();
            }
        }
    }

    /// <summary>Violations the server noticed (e.g. a token used before it was stored); tests assert there are none.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return _problems.ToList();
            }
        }
    }

    public static async Task<OAuthTestServer> StartAsync(ManualClock clock)
    {
        var server = new OAuthTestServer(clock);
        server._server = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>Registers a client: its secret (null for a public client) and whether it must authenticate with HTTP Basic.</summary>
    public void AddClient(string id, string? secret, bool basicAuth = false, bool requirePkce = false)
    {
        lock (_gate)
        {
            _clients[id] = new RegisteredClient(id, secret, basicAuth, requirePkce);
        }
    }

    /// <summary>Revokes an access token, as a provider does when a user signs out elsewhere.</summary>
    public void Revoke(string accessToken)
    {
        lock (_gate)
        {
            _accessTokens[accessToken] = _accessTokens[accessToken] with { Revoked = true };
        }
    }

    /// <summary>The refresh token issued together with <paramref name="accessToken"/>, if any.</summary>
    public string? RefreshTokenIssuedWith(string accessToken)
    {
        lock (_gate)
        {
            return _accessTokens.TryGetValue(accessToken, out var grant) ? grant.RefreshToken : null;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>What a browser does with the authorization URL: the server redirects to the callback with a code.</summary>
    public async Task<Uri> AuthorizeAsync(Uri authorizationUrl)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var response = await http.GetAsync(authorizationUrl);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException(
                "The authorization endpoint refused: " + (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync()
            );
        }

        return response.Headers.Location!;
    }

    private static string NewSecret(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string S256(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private async Task HandleAsync(HttpContext context, ReceivedRequest request)
    {
        switch (request.Path)
        {
            case "/oauth/authorize":
                await AuthorizeAsync(context, request);
                return;
            case "/oauth/token":
                Interlocked.Increment(ref _tokenRequests);
                if (TokenDelay > TimeSpan.Zero)
                {
                    await Task.Delay(TokenDelay);
                }

                var (status, body) = Token(request);
                await WriteJson(context, status, body);
                return;
            case "/oauth/userinfo":
                if (Validate(request) is { } user)
                {
                    await WriteJson(
                        context,
                        200,
                        new Dictionary<string, object?> { ["sub"] = user.ClientId + "-user", ["email"] = "user@notes.example" }
                    );
                }
                else
                {
                    context.Response.StatusCode = 401;
                }

                return;
            case "/api/locked":
                Interlocked.Increment(ref _lockedRequests);
                context.Response.StatusCode = (int)RejectStatus;
                return;
            case "/api/me":
                Interlocked.Increment(ref _apiRequests);
                if (request.Header("X-Notes-Key") is { } key)
                {
                    await WriteJson(context, 200, new Dictionary<string, object?> { ["client"] = "api-key:" + key, ["token"] = null });
                    return;
                }

                if (Validate(request) is { } grant)
                {
                    var token = request.Header("Authorization")!["Bearer ".Length..];
                    if (OnApiToken?.Invoke(token) is { } problem)
                    {
                        lock (_gate)
                        {
                            _problems.Add(problem);
                        }
                    }

                    await WriteJson(context, 200, new Dictionary<string, object?> { ["client"] = grant.ClientId, ["token"] = token });
                }
                else
                {
                    context.Response.StatusCode = (int)RejectStatus;
                }

                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task AuthorizeAsync(HttpContext context, ReceivedRequest request)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString);
        string? Get(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        RegisteredClient? client;
        lock (_gate)
        {
            client = Get("client_id") is { } id ? _clients.GetValueOrDefault(id) : null;
        }

        var challenge = Get("code_challenge");
        var refusal =
            Get("response_type") != "code" ? "response_type must be code"
            : client is null ? "unknown client"
            : Get("redirect_uri") is null ? "redirect_uri missing"
            : Get("state") is not { Length: >= 32 } ? "state missing or guessable"
            : challenge is null && client.RequirePkce ? "PKCE required"
            : challenge is not null && Get("code_challenge_method") != "S256" ? "only S256 is accepted"
            : null;
        if (refusal is not null)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(refusal);
            return;
        }

        var code = NewSecret("code");
        lock (_gate)
        {
            _issued.Add(code);
            _codes[code] = new CodeGrant(client!.Id, Get("redirect_uri")!, challenge, Get("scope"), Get("access_type"));
        }

        var separator = Get("redirect_uri")!.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        context.Response.StatusCode = 302;
        context.Response.Headers.Location =
            Get("redirect_uri") + separator + "code=" + Uri.EscapeDataString(code) + "&state=" + Uri.EscapeDataString(Get("state")!);
    }

    private (int Status, object Body) Token(ReceivedRequest request)
    {
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
        {
            return Error(400, "invalid_request", "token requests are form-encoded");
        }

        var form = QueryHelpers.ParseQuery(request.Body).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        string? Get(string name) => form.GetValueOrDefault(name);

        // Client authentication: exactly the registered method (RFC 6749 §2.3.1: Basic parts are form-encoded first).
        string? clientId;
        string? secret;
        var basic = request.Header("Authorization") is { } authorization && authorization.StartsWith("Basic ", StringComparison.Ordinal);
        if (basic)
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(request.Header("Authorization")!["Basic ".Length..]));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            clientId = Uri.UnescapeDataString(pair[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' '));
            if (Get("client_secret") is not null)
            {
                return Error(400, "invalid_request", "two client authentication methods");
            }
        }
        else
        {
            clientId = Get("client_id");
            secret = Get("client_secret");
        }

        RegisteredClient? client;
        lock (_gate)
        {
            client = clientId is null ? null : _clients.GetValueOrDefault(clientId);
        }

        if (client is null || client.Secret != secret || (client.Secret is not null && client.BasicAuth != basic))
        {
            return Error(401, "invalid_client", "client authentication failed");
        }

        switch (Get("grant_type"))
        {
            case "authorization_code":
            {
                CodeGrant? grant;
                lock (_gate)
                {
                    grant = Get("code") is { } code && _codes.Remove(code, out var found) ? found : null;
                }

                if (grant is null || grant.ClientId != client.Id)
                {
                    return Error(400, "invalid_grant", "unknown or used code");
                }

                if (grant.RedirectUri != Get("redirect_uri"))
                {
                    return Error(400, "invalid_grant", "redirect_uri differs from the authorization request");
                }

                if (grant.Challenge is not null)
                {
                    if (Get("code_verifier") is not { } verifier || S256(verifier) != grant.Challenge)
                    {
                        return Error(400, "invalid_grant", "PKCE verification failed");
                    }

                    Interlocked.Increment(ref _pkceVerified);
                }

                Interlocked.Increment(ref _codeGrants);
                return (200, Issue(client.Id, grant.Scope, withRefreshToken: true));
            }

            case "refresh_token":
            {
                RefreshGrant? grant;
                lock (_gate)
                {
                    grant = Get("refresh_token") is { } token && _refreshTokens.TryGetValue(token, out var found) ? found : null;
                    if (grant is { Used: false } && grant.ClientId == client.Id)
                    {
                        _refreshTokens[Get("refresh_token")!] = grant with { Used = true };
                    }
                    else
                    {
                        grant = null;
                    }
                }

                if (grant is null)
                {
                    return Error(400, "invalid_grant", "refresh token unknown, used already, or issued to another client");
                }

                Interlocked.Increment(ref _refreshGrants);
                return (200, Issue(client.Id, grant.Scope, withRefreshToken: true));
            }

            case "password":
                if (Get("username") != "ada" || Get("password") != "correct horse")
                {
                    return Error(400, "invalid_grant", "wrong user name or password");
                }

                return (200, Issue(client.Id, Get("scope"), withRefreshToken: true));

            case "client_credentials":
                Interlocked.Increment(ref _clientCredentialGrants);
                return (200, Issue(client.Id, Get("scope"), withRefreshToken: false, extra: Get("audience")));

            default:
                return Error(400, "unsupported_grant_type", null);
        }
    }

    private Dictionary<string, object?> Issue(string clientId, string? scope, bool withRefreshToken, string? extra = null)
    {
        var access = NewSecret("at");
        var refresh = withRefreshToken ? NewSecret("rt") : null;
        lock (_gate)
        {
            _issued.Add(access);
            _accessTokens[access] = new AccessGrant(clientId, Clock.GetUtcNow(), AccessTokenLifetime, false, refresh, extra);
            if (refresh is not null)
            {
                _issued.Add(refresh);
                _refreshTokens[refresh] = new RefreshGrant(clientId, scope, false);
            }
        }

        var body = new Dictionary<string, object?> { ["access_token"] = access, ["token_type"] = "bearer" };
        if (AccessTokenLifetime is { } lifetime)
        {
            body["expires_in"] = (int)lifetime.TotalSeconds;
        }

        if (refresh is not null)
        {
            body["refresh_token"] = refresh;
        }

        if (scope is not null)
        {
            body["scope"] = scope;
        }

        return body;
    }

    private AccessGrant? Validate(ReceivedRequest request)
    {
        if (request.Header("Authorization") is not { } authorization || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        lock (_gate)
        {
            return
                _accessTokens.TryGetValue(authorization["Bearer ".Length..], out var grant)
                && !grant.Revoked
                && (grant.Lifetime is not { } lifetime || grant.IssuedAt + lifetime > Clock.GetUtcNow())
                ? grant
                : null;
        }
    }

    private static (int, object) Error(int status, string error, string? description) =>
        (status, new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description });

    private static async Task WriteJson(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private sealed record RegisteredClient(string Id, string? Secret, bool BasicAuth, bool RequirePkce);

    private sealed record CodeGrant(string ClientId, string RedirectUri, string? Challenge, string? Scope, string? AccessType);

    private sealed record RefreshGrant(string ClientId, string? Scope, bool Used);

    /// <summary>An issued access token: whose, when, for how long, and the audience a client-credentials request named.</summary>
    public sealed record AccessGrant(
        string ClientId,
        DateTimeOffset IssuedAt,
        TimeSpan? Lifetime,
        bool Revoked,
        string? RefreshToken,
        string? Audience
    );
}
