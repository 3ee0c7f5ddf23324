using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using TypedConnectors.Testing;

namespace DialectTests.Infrastructure;

/// <summary>
/// An MCP server that is also its own OAuth 2.1 authorization server, the shape GitHub's MCP endpoint has: without a
/// token the MCP endpoint answers 401 with RFC 9728 resource metadata; the authorization server publishes RFC 8414
/// metadata, registers clients dynamically (RFC 7591) and issues a token only for a code whose PKCE S256 challenge
/// matches the verifier.
/// </summary>
public sealed class McpOAuthServer : IAsyncDisposable
{
    public const string AccessToken = "mcp-oauth-access-token";

    private readonly ConcurrentDictionary<string, string> _challenges = new(StringComparer.Ordinal);
    private McpTestServer _mcp = null!;

    public McpTestServer Mcp => _mcp;

    public List<string> Events { get; } = new();

    public static async Task<McpOAuthServer> StartAsync()
    {
        var server = new McpOAuthServer();
        server._mcp = await McpTestServer.StartAsync(r => r.Header("Authorization") == "Bearer " + AccessToken, server.HandleOAuthAsync);
        return server;
    }

    private string Root => _mcp.BaseAddress.AbsoluteUri.TrimEnd('/');

    /// <summary>Answers the OAuth endpoints; returns false for requests the MCP endpoint should handle.</summary>
    private async Task<bool> HandleOAuthAsync(HttpContext context, ReceivedRequest request)
    {
        var path = request.Path;
        switch (path)
        {
            case "/.well-known/oauth-protected-resource":
            case "/.well-known/oauth-protected-resource/mcp":
                Events.Add("resource-metadata");
                await Json(
                    context,
                    new
                    {
                        resource = Root + "/mcp/",
                        authorization_servers = new[] { Root },
                        bearer_methods_supported = new[] { "header" },
                    }
                );
                return true;
            case "/.well-known/oauth-authorization-server":
            case "/.well-known/openid-configuration":
                Events.Add("server-metadata");
                await Json(
                    context,
                    new
                    {
                        issuer = Root,
                        authorization_endpoint = Root + "/authorize",
                        token_endpoint = Root + "/token",
                        registration_endpoint = Root + "/register",
                        response_types_supported = new[] { "code" },
                        grant_types_supported = new[] { "authorization_code", "refresh_token" },
                        code_challenge_methods_supported = new[] { "S256" },
                        token_endpoint_auth_methods_supported = new[] { "none" },
                    }
                );
                return true;
            case "/register":
                Events.Add("register");
                context.Response.StatusCode = 201;
                using (var registration = JsonDocument.Parse(request.Body))
                {
                    await Json(
                        context,
                        new
                        {
                            client_id = "dynamic-client",
                            redirect_uris = registration.RootElement.GetProperty("redirect_uris"),
                            token_endpoint_auth_method = "none",
                        }
                    );
                }

                return true;
            case "/authorize":
                var query = QueryHelpers.ParseQuery(request.QueryString);
                Events.Add("authorize:" + query["code_challenge_method"]);
                var code = "code-" + Guid.NewGuid().ToString("N");
                _challenges[code] = query["code_challenge"].ToString();
                context.Response.StatusCode = 302;
                context.Response.Headers.Location =
                    query["redirect_uri"]
                    + "?code="
                    + code
                    + "&state="
                    + Uri.EscapeDataString(query["state"].ToString())
                    + "&iss="
                    + Uri.EscapeDataString(Root);
                return true;
            case "/token":
                var form = QueryHelpers.ParseQuery(request.Body);
                var verifier = form["code_verifier"].ToString();
                var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (
                    form["grant_type"] != "authorization_code"
                    || !_challenges.TryRemove(form["code"].ToString(), out var expected)
                    || expected != challenge
                )
                {
                    Events.Add("token:rejected");
                    context.Response.StatusCode = 400;
                    await Json(context, new { error = "invalid_grant" });
                    return true;
                }

                Events.Add("token:pkce-verified");
                await Json(
                    context,
                    new
                    {
                        access_token = AccessToken,
                        token_type = "Bearer",
                        expires_in = 3600,
                    }
                );
                return true;
            default:
                if (request.Header("Authorization") is null && path.StartsWith("/mcp", StringComparison.Ordinal))
                {
                    Events.Add("challenge");
                    context.Response.StatusCode = 401;
                    context.Response.Headers.WWWAuthenticate =
                        "Bearer resource_metadata=\"" + Root + "/.well-known/oauth-protected-resource\"";
                    return true;
                }

                return false;
        }
    }

    private static Task Json(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    public ValueTask DisposeAsync() => _mcp.DisposeAsync();
}
