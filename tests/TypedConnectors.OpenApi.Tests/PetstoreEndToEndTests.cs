using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpenApiTests.Petstore;
using TypedConnectors;
using TypedConnectors.Testing;

namespace OpenApiTests;

/// <summary>
/// Documents/petstore.openapi.yaml compiled the way a user's project compiles it (an AdditionalFile read by the generator
/// inside the compiler), called against a real loopback server.
/// </summary>
public sealed class PetstoreEndToEndTests
{
    private const string PetJson =
        """{"id":42,"name":"Rex","tag":"dog","status":"in-stock","born":"2020-02-29","nickname":null,"createdAt":"2024-05-01T10:00:00+00:00"}""";

    private static PetstoreClient Client(LoopbackServer server) =>
        new(
            PetstoreConnection.Create(
                "secret-key",
                options: new ConnectorConnectionOptions { BaseAddress = new Uri(server.BaseAddress, "v1/"), MaxRetries = 0 }
            )
        );

    private static Task<LoopbackServer> Respond(int status, string contentType, string body) =>
        LoopbackServer.StartAsync(
            async (context, _) =>
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = contentType;
                await context.Response.WriteAsync(body);
            }
        );

    [Fact]
    public async Task Create_sends_the_json_body_and_api_key_and_reads_the_created_pet()
    {
        await using var server = await Respond(201, "application/json", PetJson);
        using var client = Client(server);

        var pet = await client.CreatePetAsync(
            new NewPet
            {
                Name = "Rex",
                Tag = "dog",
                Status = PetStatus.InStock,
                Born = new DateOnly(2020, 2, 29),
            }
        );

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/pets", request.Path);
        Assert.Equal("secret-key", request.Header("X-API-Key"));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using (var body = JsonDocument.Parse(request.Body))
        {
            Assert.Equal("Rex", body.RootElement.GetProperty("name").GetString());
            Assert.Equal("in-stock", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("2020-02-29", body.RootElement.GetProperty("born").GetString());
            Assert.False(body.RootElement.TryGetProperty("nickname", out _));
        }

        Assert.Equal(42L, pet.Id);
        Assert.Equal("Rex", pet.Name);
        Assert.Equal(PetStatus.InStock, pet.Status);
        Assert.Null(pet.Nickname);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), pet.CreatedAt);
    }

    [Fact]
    public async Task Get_puts_the_id_in_the_path()
    {
        await using var server = await Respond(200, "application/json", PetJson);
        using var client = Client(server);

        var pet = await client.GetPetAsync(42);

        var request = server.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/pets/42", request.Path);
        Assert.Equal("Rex", pet.Name);
    }

    [Fact]
    public async Task List_sends_query_arrays_exploded_enums_by_wire_name_and_header_parameters()
    {
        await using var server = await Respond(
            200,
            "application/json",
            "[" + PetJson + "," + PetJson.Replace("in-stock", "adopted", StringComparison.Ordinal) + "]"
        );
        using var client = Client(server);

        var pets = await client.ListPetsAsync(limit: 2, tags: new[] { "a b", "c" }, status: PetStatus.SoldOut, xRequestId: "r-1");

        var request = server.Single();
        Assert.Equal("?limit=2&tags=a%20b&tags=c&status=sold%20out", request.QueryString);
        Assert.Equal("r-1", request.Header("X-Request-Id"));
        Assert.Equal(2, pets.Count);

        // A status this client does not know reads as Unknown instead of failing the whole response.
        Assert.Equal(PetStatus.Unknown, pets[1].Status);
    }

    [Fact]
    public async Task Schema_constraints_are_checked_before_sending()
    {
        await using var server = await Respond(200, "application/json", "[]");
        using var client = Client(server);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ListPetsAsync(limit: 0));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Search_sends_a_deep_object_filter()
    {
        await using var server = await Respond(200, "application/json", "[]");
        using var client = Client(server);

        await client.SearchPetsAsync(new SearchPetsFilter { Name = "Rex", MinAge = 2 });

        Assert.Equal("?filter%5Bname%5D=Rex&filter%5BminAge%5D=2", server.Single().QueryString);
    }

    [Fact]
    public async Task Upload_sends_multipart_with_the_file_and_the_caption()
    {
        await using var server = await Respond(200, "application/json", """{"url":"https://cdn.example.com/42.png","bytes":5}""");
        using var client = Client(server);
        using var photo = new MemoryStream(Encoding.ASCII.GetBytes("PHOTO"));

        var stored = await client.UploadPhotoAsync(42, photo, caption: "at the beach");

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/pets/42/photo", request.Path);
        Assert.StartsWith("multipart/form-data", request.ContentType, StringComparison.Ordinal);
        // RFC 7578: the field name as a quoted string.
        Assert.Contains("name=\"file\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("PHOTO", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"caption\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("at the beach", request.Body, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://cdn.example.com/42.png"), stored.Url);
        Assert.Equal(5L, stored.Bytes);
    }

    [Fact]
    public async Task Download_returns_the_binary_body_as_a_stream()
    {
        await using var server = await Respond(200, "image/png", "PNGDATA");
        using var client = Client(server);

        await using var photo = await client.DownloadPhotoAsync(42);
        using var reader = new StreamReader(photo);

        Assert.Equal("PNGDATA", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_declared_error_response_becomes_the_typed_exception()
    {
        await using var server = await Respond(404, "application/json", """{"code":404,"message":"no pet 7"}""");
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<ConnectorApiException<Error>>(() => client.GetPetAsync(7));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("no pet 7", error.Error!.Message);
        Assert.Equal(404, error.Error.Code);
        Assert.Equal("/v1/pets/7", server.Single().Path);
    }

    [Fact]
    public async Task Specific_status_codes_win_over_ranges()
    {
        await using var validation = await Respond(422, "application/json", """{"errors":{"name":["too long"]}}""");
        using (var client = Client(validation))
        {
            var problem = await Assert.ThrowsAsync<ConnectorApiException<ValidationProblem>>(() =>
                client.CreatePetAsync(new NewPet { Name = "Rex" })
            );
            Assert.Equal(new[] { "too long" }, problem.Error!.Errors!["name"]);
        }

        await using var conflict = await Respond(409, "application/json", """{"code":9,"message":"taken"}""");
        using (var client = Client(conflict))
        {
            var error = await Assert.ThrowsAsync<ConnectorApiException<Error>>(() => client.CreatePetAsync(new NewPet { Name = "Rex" }));
            Assert.Equal("taken", error.Error!.Message);
        }
    }

    [Fact]
    public async Task An_operation_with_empty_security_sends_no_credentials_and_undeclared_errors_stay_untyped()
    {
        await using var server = await Respond(500, "text/plain", "boom");
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<ConnectorApiException>(() => client.DeletePetAsync(3));

        Assert.Equal(typeof(ConnectorApiException), error.GetType());
        Assert.Equal(500, error.StatusCode);
        Assert.Equal("DELETE", server.Single().Method);
    }

    [Fact]
    public void The_base_url_keeps_the_server_variable_with_its_default_and_allowed_values()
    {
        Assert.Equal("https://{{region}}.petstore.example.com/v1", PetstoreClient.BaseUrlTemplate);
        Assert.Equal(new Uri("https://eu.petstore.example.com/v1/"), PetstoreConnection.Create("k").BaseAddress);
        Assert.Equal(new Uri("https://us.petstore.example.com/v1/"), PetstoreConnection.Create("k", region: "us").BaseAddress);
        Assert.Throws<ConnectorConfigurationException>(() => PetstoreConnection.Create("k", region: "evil.example.net"));
    }
}
