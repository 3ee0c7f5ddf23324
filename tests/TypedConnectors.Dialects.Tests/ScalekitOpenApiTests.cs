using DialectTests.KlaviyoProfiles;
using TypedConnectors;
using TypedConnectors.Testing;

namespace DialectTests;

/// <summary>
/// A Scalekit provider's auth pattern (header override, prefix mutation), written into a canonical connector file that
/// references an OpenAPI document: the typed operations come from the document, the auth from the pattern.
/// </summary>
public class ScalekitOpenApiTests
{
    [Fact]
    public async Task Typed_operations_of_the_document_send_the_patterns_header()
    {
        await using var server = await LoopbackServer.StartJsonAsync("""{"id":"p1","email":"ada@example.com"}""");
        var connection = KlaviyoProfilesConnection.Create("pk_live_1", new ConnectorConnectionOptions { BaseAddress = server.BaseAddress });
        using var client = new KlaviyoProfilesClient(connection);

        Profile profile = await client.GetProfileAsync("p1", fields: "email");

        var request = server.Single();
        Assert.Equal("/api/profiles/p1", request.Path);
        Assert.Equal("email", request.Query("fields"));
        Assert.Equal("Klaviyo-API-Key pk_live_1", request.Header("x-api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("ada@example.com", profile.Email);
        Assert.Equal(75, ConnectorDescriptor.For(typeof(KlaviyoProfilesClient)).RateLimit?.PermitLimit);
        Assert.Equal("https://a.klaviyo.com", ConnectorDescriptor.For(typeof(KlaviyoProfilesClient)).BaseUrl);
    }
}
