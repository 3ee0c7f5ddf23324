using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DialectTests.MyAsana;
using DialectTests.MyAttention;
using DialectTests.MyBearerTokenProvider;
using DialectTests.MyFreshdesk;
using DialectTests.MyKlaviyo;
using DialectTests.MyZendesk;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using TypedConnectors;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>
/// The Scalekit seed providers (proxies) compiled from ../shared/seed-examples, plus the documented header-override and
/// mutation shapes from Connectors/, calling a real loopback server.
/// </summary>
public class ScalekitProxyTests
{
    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static ConnectorConnectionOptions At(LoopbackServer server, string path = "") =>
        new() { BaseAddress = new Uri(server.BaseAddress, path) };

    [Fact]
    public async Task Asana_oauth_provider_authorizes_with_the_payloads_endpoints_and_scopes_and_sends_its_token_relative_to_the_proxy_url()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"data":{"gid":"1","name":"Ada"}}""");
        var connection = MyAsanaConnection.Create("asana-client-id", options: At(server, "api/"));

        var authorization = connection.OAuth.BuildAuthorizationUrl(new Uri("https://app.example/callback"));
        Assert.Equal("https://app.asana.com/-/oauth_authorize", authorization.Url.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(authorization.Url.Query);
        Assert.Equal("asana-client-id", query["client_id"]);
        Assert.Equal("profile email", query["scope"]);
        Assert.False(query.ContainsKey("code_challenge"));
        Assert.Equal(new Uri("https://app.asana.com/-/oauth_token"), connection.OAuth.TokenEndpoint);

        await connection.OAuth.StoreTokenAsync(new OAuthToken("asana-access-token", expiresAt: DateTimeOffset.UtcNow.AddHours(1)));
        using var client = new MyAsanaClient(connection);
        var me = await client.GetAsync<JsonElement>("1.0/users/me?opt_fields=name");

        var request = server.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/1.0/users/me", request.Path);
        Assert.Equal("name", request.Query("opt_fields"));
        Assert.Equal("Bearer asana-access-token", request.Header("Authorization"));
        Assert.Equal("Ada", me.GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(new Uri("https://app.asana.com/api/"), MyAsanaConnection.Create("asana-client-id").BaseAddress);
    }

    [Fact]
    public async Task Attention_api_key_is_sent_raw_in_authorization_as_scalekits_proxy_does()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"ok":true}""");
        using var client = new MyAttentionClient(MyAttentionConnection.Create("att_1234567890", At(server)));

        await client.GetAsync<JsonElement>("v2/conversations");

        var request = server.Single();
        Assert.Equal("/v2/conversations", request.Path);
        Assert.Equal("att_1234567890", request.Header("Authorization"));
    }

    [Fact]
    public async Task Bearer_provider_posts_puts_patches_and_deletes_json_relative_to_the_base()
    {
        await using var server = await LoopbackServer.StartAsync(
            async (context, _) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"id":7,"echo":true}""");
            }
        );
        using var client = new MyBearerTokenProviderClient(MyBearerTokenProviderConnection.Create("long-lived-token", At(server)));

        var created = await client.PostAsync<object, JsonElement>("items", new { name = "lamp", price = 12.5 });
        await client.PutAsync<object, JsonElement>("items/7", new { name = "desk" });
        await client.PatchAsync<object, JsonElement>("items/7", new { price = 3 });
        await client.DeleteAsync("items/7");

        Assert.Equal(7, created.GetProperty("id").GetInt32());
        var requests = server.Requests;
        Assert.Equal(new[] { "POST", "PUT", "PATCH", "DELETE" }, requests.Select(r => r.Method));
        Assert.Equal(new[] { "/items", "/items/7", "/items/7", "/items/7" }, requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("Bearer long-lived-token", r.Header("Authorization")));
        Assert.Equal("""{"name":"lamp","price":12.5}""", requests[0].Body);
        Assert.StartsWith("application/json", requests[0].ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_send_returns_any_status_and_relative_paths_cannot_leave_the_base()
    {
        await using var server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            }
        );
        using var client = new MyBearerTokenProviderClient(MyBearerTokenProviderConnection.Create("t0ken", At(server, "base/")));

        using var response = await client.SendAsync(HttpMethod.Post, "things?x=1", JsonContent.Create(new { a = 1 }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/base/things", server.Single().Path);
        Assert.Equal("?x=1", server.Single().QueryString);
        foreach (var escape in new[] { "../admin", "https://evil.example/x", "//evil.example/x", "a/%2e%2e/b", "a\\b" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => client.GetAsync<JsonElement>(escape));
        }

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Freshdesk_domain_field_fills_the_proxy_url_and_basic_auth_uses_the_username()
    {
        var connection = MyFreshdeskConnection.Create("acme.freshdesk.com", "fd-api-key");
        Assert.Equal(new Uri("https://acme.freshdesk.com/api/"), connection.BaseAddress);
        Assert.Equal("acme.freshdesk.com", connection.Domain);

        await using var server = await LoopbackServer.StartJsonAsync("[]");
        using var client = new MyFreshdeskClient(MyFreshdeskConnection.Create("acme.freshdesk.com", "fd-api-key", At(server, "api/")));
        await client.GetAsync<JsonElement>("v2/tickets?per_page=1");

        var request = server.Single();
        Assert.Equal("/api/v2/tickets", request.Path);
        Assert.Equal(Basic("fd-api-key", ""), request.Header("Authorization"));
    }

    [Theory]
    [InlineData("evil.example/x")]
    [InlineData("evil.example@acme")]
    [InlineData("acme.freshdesk.com:8080")]
    [InlineData("acme.freshdesk.com?x=")]
    public void Freshdesk_domain_cannot_change_the_host_boundary(string domain)
    {
        Assert.Throws<ConnectorConfigurationException>(() => MyFreshdeskConnection.Create(domain, "fd-api-key"));
    }

    [Fact]
    public async Task Header_override_and_prefix_mutation_send_the_klaviyo_header()
    {
        await using var server = await LoopbackServer.StartJsonAsync("{}");
        using var client = new MyKlaviyoClient(MyKlaviyoConnection.Create("pk_live_abc", At(server)));

        await client.GetAsync<JsonElement>("api/profiles");

        var request = server.Single();
        Assert.Equal("Klaviyo-API-Key pk_live_abc", request.Header("x-api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.DoesNotContain("pk_live_abc", MyKlaviyoConnection.Create("pk_live_abc").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suffix_and_default_mutations_are_applied_before_basic_encoding()
    {
        await using var server = await LoopbackServer.StartJsonAsync("{}");
        using (var client = new MyZendeskClient(MyZendeskConnection.Create("acme.zendesk.com", "agent@acme.example", options: At(server))))
        {
            await client.GetAsync<JsonElement>("tickets.json");
        }

        using (
            var client = new MyZendeskClient(
                MyZendeskConnection.CreateBasic("acme.zendesk.com", "agent@acme.example", "zd-token", At(server))
            )
        )
        {
            await client.GetAsync<JsonElement>("tickets.json");
        }

        Assert.Equal(Basic("agent@acme.example/token", "X"), server.Requests[0].Header("Authorization"));
        Assert.Equal(Basic("agent@acme.example/token", "zd-token"), server.Requests[1].Header("Authorization"));
        Assert.Equal(new Uri("https://acme.zendesk.com/api/v2/"), MyZendeskConnection.Create("acme.zendesk.com", "a@b.c").BaseAddress);
    }

    [Fact]
    public async Task Second_pattern_is_selectable_and_uses_its_header_override_and_mutation()
    {
        await using var server = await LoopbackServer.StartJsonAsync("{}");
        using var client = new MyZendeskClient(MyZendeskConnection.CreateBearer("acme.zendesk.com", "abc123", At(server)));

        await client.GetAsync<JsonElement>("users/me.json");

        var request = server.Single();
        Assert.Equal("Bearer tok_abc123", request.Header("X-Zendesk-Token"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("bearer", client.Connection.AuthMethod);
    }

    [Fact]
    public void Descriptors_carry_the_scalekit_auth_patterns()
    {
        var zendesk = ConnectorDescriptor.For(typeof(MyZendeskClient));
        Assert.Equal(new[] { "basic", "bearer" }, zendesk.AuthMethods.Select(m => m.Key));
        Assert.Equal("basic", zendesk.DefaultAuthMethod?.Key);
        Assert.Equal("agent/token", zendesk.AuthMethods[0].ApplyMutations("username", "agent"));
        Assert.Equal("X", zendesk.AuthMethods[0].ApplyMutations("password", ""));

        var attention = ConnectorDescriptor.For(typeof(MyAttentionClient));
        Assert.Equal(AuthKind.ApiKey, attention.AuthMethods.Single().Kind);
        Assert.Equal("Authorization", attention.AuthMethods.Single().HeaderName);
        Assert.Null(attention.AuthMethods.Single().Prefix);
    }
}
