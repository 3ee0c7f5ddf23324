using System.Text.Json;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

public class ConnectorRequestTests
{
    private static readonly Uri Base = new("https://api.example.com/v1/");

    [Fact]
    public void An_absolute_operation_url_replaces_the_base_address_instead_of_being_appended_to_it()
    {
        // OpenAPI operation-level servers become absolute templates: GET https://uploads.example.com/v2/files/{id}.
        var request = new ConnectorRequest("GET", "https://uploads.example.com/v2/files/{id}?kind=raw");
        request.PathParameter("id", "a/b");
        request.Query("page", "2");
        using var message = request.Build(new Uri("https://api.example.com/v1/?tenant=acme"));
        Assert.Equal("https://uploads.example.com/v2/files/a%2Fb?kind=raw&page=2", message.RequestUri!.AbsoluteUri);

        using var relative = new ConnectorRequest("GET", "/https/files").Build(Base);
        Assert.Equal("https://api.example.com/v1/https/files", relative.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void The_accept_header_is_sent_unless_a_header_of_the_request_sets_one()
    {
        using var plain = new ConnectorRequest("GET", "/items") { Accept = "application/json" }.Build(Base);
        Assert.Equal("application/json", plain.Headers.Accept.ToString());

        var declared = new ConnectorRequest("GET", "/items") { Accept = "application/json" };
        declared.Header("Accept", "application/vnd.api+json");
        using var message = declared.Build(Base);
        Assert.Equal("application/vnd.api+json", message.Headers.Accept.ToString());

        using var none = new ConnectorRequest("GET", "/items").Build(Base);
        Assert.Empty(none.Headers.Accept);
    }

    [Fact]
    public void Call_options_headers_replace_the_operations_own_and_travel_with_the_message()
    {
        var options = new ConnectorCallOptions { Timeout = TimeSpan.FromSeconds(5), IdempotencyKey = "key-1" };
        options.Headers["accept"] = "text/csv";
        options.Headers["X-Trace"] = "t1";
        options.Headers["Content-Language"] = "de";
        var request = new ConnectorRequest("GET", "/reports") { CallOptions = options };
        request.Header("Accept", "application/json");
        using var message = request.Build(Base);

        Assert.Equal(["text/csv"], message.Headers.GetValues("Accept"));
        Assert.Equal(["t1"], message.Headers.GetValues("X-Trace"));
        Assert.Equal(["de"], message.Content!.Headers.GetValues("Content-Language"));
        Assert.Same(options, ConnectorCallOptions.Of(message));

        using var plain = new ConnectorRequest("GET", "/reports").Build(Base);
        Assert.Null(ConnectorCallOptions.Of(plain));
    }

    [Fact]
    public void Call_options_headers_cannot_inject_lines_and_name_only_the_header()
    {
        var options = new ConnectorCallOptions();
        options.Headers["X-Secret"] = "s3cr3t\r\nX-Evil: 1";
        var request = new ConnectorRequest("GET", "/reports") { CallOptions = options };
        var error = Assert.Throws<ConnectorConfigurationException>(() => request.Build(Base));
        Assert.Contains("X-Secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_are_appended_to_the_base_path_and_parameters_escaped()
    {
        var request = new ConnectorRequest("get", "/users/{id}/files/{name}");
        request.PathParameter("id", "42");
        request.PathParameter("name", "a/b ?#%.txt");
        using var message = request.Build(Base);
        Assert.Equal(HttpMethod.Get, message.Method);
        Assert.Equal("https://api.example.com/v1/users/42/files/a%2Fb%20%3F%23%25.txt", message.RequestUri!.AbsoluteUri);

        using var noSlash = new ConnectorRequest("GET", "users").Build(new Uri("https://api.example.com/v1"));
        Assert.Equal("https://api.example.com/v1/users", noSlash.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("/", "https://api.example.com/v1/")]
    [InlineData("/items/", "https://api.example.com/v1/items/")]
    [InlineData("", "https://api.example.com/v1")]
    [InlineData("/?Action=List", "https://api.example.com/v1/?Action=List")]
    public void Trailing_slashes_of_the_path_template_are_kept(string template, string expected)
    {
        using var message = new ConnectorRequest("GET", template).Build(Base);
        Assert.Equal(expected, message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void A_content_header_without_a_body_is_sent_on_empty_content()
    {
        var request = new ConnectorRequest("PUT", "uploads/1");
        request.Header("Content-Range", "bytes 0-0/10");

        using var message = request.Build(Base);

        Assert.NotNull(message.Content);
        Assert.Equal("bytes 0-0/10", message.Content.Headers.GetValues("Content-Range").Single());
        Assert.Equal(0, message.Content.Headers.ContentLength);
    }

    [Fact]
    public void A_header_set_again_replaces_the_earlier_value_whatever_its_case()
    {
        var request = new ConnectorRequest("GET", "export");
        request.Header("Accept", "application/json");
        request.Header("X-Trace", "t-1");
        request.Header("accept", "text/csv");
        request.Header("X-Trace", null);

        using var message = request.Build(Base);

        Assert.Equal(["text/csv"], message.Headers.GetValues("Accept"));
        Assert.Equal(["t-1"], message.Headers.GetValues("X-Trace"));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    public void Dot_segments_and_empty_path_values_are_refused(string value)
    {
        var request = new ConnectorRequest("GET", "users/{id}");
        Assert.Throws<ArgumentException>(() => request.PathParameter("id", value));
    }

    [Fact]
    public void Unknown_and_missing_path_parameters_are_errors()
    {
        var request = new ConnectorRequest("GET", "users/{id}");
        Assert.Throws<ArgumentException>(() => request.PathParameter("other", "1"));
        Assert.Throws<InvalidOperationException>(() => request.Build(Base));
    }

    [Fact]
    public void Query_parameters_are_escaped_and_null_is_omitted()
    {
        var request = new ConnectorRequest("GET", "search?fixed=1");
        request.Query("q", "a&b=c d+é");
        request.Query("skip", null);
        request.Query("empty", "");
        using var message = request.Build(Base);
        Assert.Equal("?fixed=1&q=a%26b%3Dc%20d%2B%C3%A9&empty=", message.RequestUri!.Query);
    }

    [Theory]
    [InlineData(ParameterStyle.Form, true, "?tag=a&tag=b%2Cc")]
    [InlineData(ParameterStyle.Form, false, "?tag=a,b%2Cc")]
    [InlineData(ParameterStyle.SpaceDelimited, false, "?tag=a%20b%2Cc")]
    [InlineData(ParameterStyle.PipeDelimited, false, "?tag=a%7Cb%2Cc")]
    [InlineData(ParameterStyle.DeepObject, false, "?tag=a&tag=b%2Cc")]
    public void Array_query_parameters_follow_the_style(ParameterStyle style, bool explode, string expected)
    {
        var request = new ConnectorRequest("GET", "x");
        request.QueryValues("tag", ["a", null, "b,c"], style, explode);
        request.QueryValues("none", null, style, explode);
        using var message = request.Build(Base);
        Assert.Equal(expected, message.RequestUri!.Query);
    }

    [Fact]
    public void Object_query_parameters_support_deep_object_and_form()
    {
        var request = new ConnectorRequest("GET", "x");
        request.QueryObject("filter", [new("status", "open"), new("owner", "me&you"), new("skip", null)], ParameterStyle.DeepObject, true);
        request.QueryObject("f", [new("a", "1"), new("b", "2")], ParameterStyle.Form, false);
        using var message = request.Build(Base);
        Assert.Equal("?filter%5Bstatus%5D=open&filter%5Bowner%5D=me%26you&f=a,1,b,2", message.RequestUri!.Query);
    }

    [Fact]
    public void Headers_and_cookies_are_added_and_null_omitted()
    {
        var request = new ConnectorRequest("GET", "x");
        request.Header("X-Trace", "t-1");
        request.Header("X-None", null);
        request.Cookie("a", "1");
        request.Cookie("b", "x; y");
        request.Cookie("c", null);
        using var message = request.Build(Base);
        Assert.Equal(["t-1"], message.Headers.GetValues("X-Trace"));
        Assert.False(message.Headers.Contains("X-None"));
        Assert.Equal("a=1; b=x%3B%20y", string.Join("; ", message.Headers.GetValues("Cookie")));
        Assert.Throws<ConnectorConfigurationException>(() => request.Cookie("bad name", "v"));
    }

    [Fact]
    public async Task Json_fields_build_one_object_and_write_null_as_null()
    {
        var request = new ConnectorRequest("POST", "x");
        request.JsonField("name", "Ann \"A\"");
        request.JsonField("age", 41);
        request.JsonField("tags", new[] { "a", "b" });
        request.JsonField("manager", (object?)null);
        request.JsonField("name", "Ann");
        using var message = request.Build(Base);
        Assert.Equal("application/json; charset=utf-8", message.Content!.Headers.ContentType!.ToString());
        Assert.Equal("{\"name\":\"Ann\",\"age\":41,\"tags\":[\"a\",\"b\"],\"manager\":null}", await message.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_json_body_uses_the_connector_options()
    {
        var request = new ConnectorRequest("POST", "x");
        request.JsonBody(new Person("Ann", null, 3));
        using var message = request.Build(Base);
        Assert.Equal("{\"full_name\":\"Ann\",\"Count\":3}", await message.Content!.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_json_flag_replaces_the_callers_member_of_an_object_body_and_keeps_the_rest()
    {
        var request = new ConnectorRequest("POST", "x");
        request.JsonBody(
            new Dictionary<string, object?>
            {
                ["prompt"] = "hi",
                ["stream"] = true,
                ["n"] = 2,
            }
        );
        request.JsonFlag("stream", false).JsonFlag("stream", true).JsonFlag("stream", false);
        using var message = request.Build(Base);
        Assert.Equal("{\"prompt\":\"hi\",\"n\":2,\"stream\":false}", await message.Content!.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_json_flag_joins_json_fields_and_gives_a_bodiless_request_a_body_only_when_true()
    {
        var fields = new ConnectorRequest("POST", "x");
        fields.JsonField("prompt", "hi");
        fields.JsonFlag("stream", true);
        using (var message = fields.Build(Base))
        {
            Assert.Equal("{\"prompt\":\"hi\",\"stream\":true}", await message.Content!.ReadAsStringAsync());
        }

        using (var message = new ConnectorRequest("POST", "x").JsonFlag("stream", true).Build(Base))
        {
            Assert.Equal("{\"stream\":true}", await message.Content!.ReadAsStringAsync());
        }

        using (var message = new ConnectorRequest("POST", "x").JsonFlag("stream", false).Build(Base))
        {
            Assert.Null(message.Content);
        }

        var array = new ConnectorRequest("POST", "x");
        array.JsonBody(new[] { 1, 2 });
        using (var message = array.JsonFlag("stream", true).Build(Base))
        {
            Assert.Equal("[1,2]", await message.Content!.ReadAsStringAsync());
        }
    }

    [Fact]
    public void Mixing_body_kinds_is_refused()
    {
        var request = new ConnectorRequest("POST", "x");
        request.FormField("a", "1");
        Assert.Throws<InvalidOperationException>(() => request.JsonBody(1));
        Assert.Throws<InvalidOperationException>(() => request.MultipartField("b", "2"));
    }

    [Fact]
    public async Task Form_and_template_bodies()
    {
        var form = new ConnectorRequest("POST", "x");
        form.FormField("a", "1 & 2");
        form.FormField("b", null);
        using (var message = form.Build(Base))
        {
            Assert.Equal("a=1+%26+2", await message.Content!.ReadAsStringAsync());
        }

        var template = new BodyTemplate(
            BodyTemplatePart.Text("{\"q\":\""),
            BodyTemplatePart.Var("q", insideString: true),
            BodyTemplatePart.Text("\"}")
        );
        var templated = new ConnectorRequest("POST", "x");
        templated.TemplateBody("application/json", template, new Dictionary<string, object?> { ["q"] = "say \"hi\"" });
        using (var message = templated.Build(Base))
        {
            Assert.Equal("application/json; charset=utf-8", message.Content!.Headers.ContentType!.ToString());
            Assert.Equal(
                "say \"hi\"",
                JsonDocument.Parse(await message.Content.ReadAsStringAsync()).RootElement.GetProperty("q").GetString()
            );
        }
    }

    [Theory]
    [InlineData("../admin")]
    [InlineData("a/../../admin")]
    [InlineData("%2e%2e/admin")]
    [InlineData("./x")]
    [InlineData("//evil.example.com/x")]
    [InlineData("https://evil.example.com/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("a\\b")]
    [InlineData("a\r\nb")]
    [InlineData("a#frag")]
    public void Relative_paths_that_could_leave_the_base_address_are_refused(string path)
    {
        Assert.Throws<ArgumentException>(() => ConnectorRequest.Relative("GET", path));
    }

    [Fact]
    public void Relative_paths_keep_their_query_and_treat_braces_literally()
    {
        using var message = ConnectorRequest.Relative("GET", "users/{me}/items?limit=5&q=a:b").Build(Base);
        Assert.Equal("https://api.example.com/v1/users/%7Bme%7D/items?limit=5&q=a:b", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void Connector_json_options_are_strict_web_defaults_without_naming_policy_and_exact_names()
    {
        Assert.True(ConnectorJson.Options.IsReadOnly);
        Assert.Null(ConnectorJson.Options.PropertyNamingPolicy);
        Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize<Person>("{\"full_name\":\"A\",\"Count\":\"3\"}", ConnectorJson.Options)
        );
        Assert.Equal(3, JsonSerializer.Deserialize<Person>("{\"full_name\":\"A\",\"Count\":3}", ConnectorJson.Options)!.Count);

        // Wire names match exactly: schemas may declare "name" and "Name" as two properties.
        var other = JsonSerializer.Deserialize<Person>("{\"FULL_NAME\":\"A\",\"count\":3}", ConnectorJson.Options)!;
        Assert.Null(other.Name);
        Assert.Equal(0, other.Count);
    }

    internal sealed record Person(
        [property: System.Text.Json.Serialization.JsonPropertyName("full_name")] string Name,
        string? Nickname,
        int Count
    );
}

public sealed class ConnectorHttpTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _client = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(app =>
        {
            EchoServer.MapEcho(app);
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.Map(
                app,
                "/api/status/{code:int}",
                async (Microsoft.AspNetCore.Http.HttpContext context, int code) =>
                {
                    context.Response.StatusCode = code;
                    context.Response.Headers["X-Request-Id"] = "req-9";
                    var body = context.Request.Query["body"].ToString();
                    if (context.Request.Query.ContainsKey("big"))
                    {
                        body = new string('x', 100_000);
                    }

                    await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, body);
                }
            );
        });
        var connection = TestConnection.For<PlainClient>(_server, "none");
        _client = connection.CreateHttpClient();
        _base = connection.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Non_success_throws_with_status_body_method_headers_and_uri_without_query()
    {
        var request = new ConnectorRequest("DELETE", "status/404");
        request.Query("body", "{\"message\":\"no such pet\"}");
        request.Query("secret", "s3cr3t");
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(_client, _base, request, CancellationToken.None)
        );
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("Not Found", ex.ReasonPhrase);
        Assert.Equal("{\"message\":\"no such pet\"}", ex.ResponseBody);
        Assert.Equal("DELETE", ex.Method);
        Assert.Equal(new Uri(_base, "status/404"), ex.RequestUri);
        Assert.Equal(["req-9"], ex.Headers["x-request-id"]);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_error_bodies_are_truncated_to_64_KiB()
    {
        var request = new ConnectorRequest("GET", "status/500?big=1");
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendForStringAsync(_client, _base, request, CancellationToken.None)
        );
        Assert.Equal(64 * 1024, ex.ResponseBody!.Length);
    }

    [Fact]
    public async Task An_error_mapper_turns_declared_statuses_into_typed_errors()
    {
        var request = new ConnectorRequest("GET", "status/422");
        request.Query("body", "{\"code\":\"invalid\",\"fields\":[\"name\"]}");
        var ex = await Assert.ThrowsAsync<ConnectorApiException<ValidationError>>(() =>
            ConnectorHttp.SendAsync<Echo>(
                _client,
                _base,
                request,
                static e => e.StatusCode == 422 ? e.WithError<ValidationError>() : null,
                CancellationToken.None
            )
        );
        Assert.Equal(422, ex.StatusCode);
        Assert.Equal("invalid", ex.Error!.Code);
        Assert.Equal(["name"], ex.Error.Fields);

        // Undeclared statuses stay untyped; a body that does not fit the error type leaves Error null.
        var other = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(
                _client,
                _base,
                new ConnectorRequest("GET", "status/500"),
                static e => e.StatusCode == 422 ? e.WithError<ValidationError>() : null,
                CancellationToken.None
            )
        );
        Assert.IsNotType<ConnectorApiException<ValidationError>>(other);
        var notJson = new ConnectorRequest("GET", "status/422");
        notJson.Query("body", "<html>");
        var untyped = await Assert.ThrowsAsync<ConnectorApiException<ValidationError>>(() =>
            ConnectorHttp.SendAsync(_client, _base, notJson, static e => e.WithError<ValidationError>(), CancellationToken.None)
        );
        Assert.Null(untyped.Error);
        Assert.Equal("<html>", untyped.ResponseBody);
    }

    [Fact]
    public async Task Json_responses_are_deserialized_and_empty_bodies_give_default()
    {
        var request = new ConnectorRequest("POST", "echo/{id}");
        request.PathParameter("id", "7");
        request.JsonBody(new { name = "x" });
        var echo = await ConnectorHttp.SendAsync<Echo>(_client, _base, request, CancellationToken.None);
        Assert.Equal("/api/echo/7", echo.Path);
        Assert.Equal("{\"name\":\"x\"}", echo.Body);
        Assert.StartsWith("application/json", echo.ContentType, StringComparison.Ordinal);

        Assert.Null(await ConnectorHttp.SendAsync<Echo>(_client, _base, new ConnectorRequest("GET", "status/204"), CancellationToken.None));
        Assert.Null(await ConnectorHttp.SendAsync<Echo>(_client, _base, new ConnectorRequest("GET", "status/200"), CancellationToken.None));
        Assert.Equal(
            0,
            await ConnectorHttp.SendAsync<int>(_client, _base, new ConnectorRequest("GET", "status/200"), CancellationToken.None)
        );
    }

    [Fact]
    public async Task String_and_stream_responses()
    {
        var text = await ConnectorHttp.SendForStringAsync(
            _client,
            _base,
            new ConnectorRequest("GET", "status/200?body=hello"),
            CancellationToken.None
        );
        Assert.Equal("hello", text);

        await using var stream = await ConnectorHttp.SendForStreamAsync(
            _client,
            _base,
            new ConnectorRequest("GET", "status/201?body=streamed"),
            CancellationToken.None
        );
        using var reader = new StreamReader(stream);
        Assert.Equal("streamed", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Multipart_bodies_reach_the_server()
    {
        var request = new ConnectorRequest("POST", "echo");
        request.MultipartField("title", "Report");
        request.MultipartFile("file", new MemoryStream("file-content"u8.ToArray()), "r.txt", "text/plain");
        var echo = await ConnectorHttp.SendAsync<Echo>(_client, _base, request, CancellationToken.None);
        Assert.StartsWith("multipart/form-data", echo.ContentType, StringComparison.Ordinal);
        Assert.Contains("file-content", echo.Body, StringComparison.Ordinal);
        Assert.Contains("form-data; name=\"file\"; filename=\"r.txt\"", echo.Body, StringComparison.Ordinal);
        Assert.Contains("Report", echo.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("é", "é")]
    [InlineData("名前", "名前")]
    [InlineData(" ", " ")]
    [InlineData("q\"uote", "q%22uote")]
    [InlineData("line\r\nbreak", "line%0D%0Abreak")]
    public async Task Multipart_field_names_go_as_RFC_7578_quoted_UTF8(string name, string written)
    {
        // MultipartFormDataContent writes non-ASCII names as RFC 2047 words (=?utf-8?B?...?=) and refuses blank ones.
        var request = new ConnectorRequest("POST", "echo");
        request.MultipartField(name, "v");
        var echo = await ConnectorHttp.SendAsync<Echo>(_client, _base, request, CancellationToken.None);
        Assert.Contains("Content-Disposition: form-data; name=\"" + written + "\"\r\n", echo.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("=?utf-8?", echo.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_files_go_as_their_percent_encoded_bytes_and_again_on_a_retry()
    {
        var request = new ConnectorRequest("POST", "echo");
        request.FormField("a b", "c&d");
        using var file = new MemoryStream(new byte[] { 0x00, 0x41, 0xFF, 0x20 });
        request.FormFile("file", file);
        var first = await ConnectorHttp.SendAsync<Echo>(_client, _base, request, CancellationToken.None);
        Assert.Equal("application/x-www-form-urlencoded", first.ContentType);
        Assert.Equal("a+b=c%26d&file=%00A%FF+", first.Body);
        Assert.Equal(0, file.Position);
    }

    [Fact]
    public async Task An_empty_form_body_is_sent_with_its_media_type()
    {
        var request = new ConnectorRequest("POST", "echo");
        request.FormBody();
        var echo = await ConnectorHttp.SendAsync<Echo>(_client, _base, request, CancellationToken.None);
        Assert.Equal("application/x-www-form-urlencoded", echo.ContentType);
        Assert.Equal("", echo.Body);
    }

    [Fact]
    public async Task Raw_sends_return_any_status_and_text_content_keeps_its_charset()
    {
        using var response = await ConnectorHttp.SendRawAsync(
            _client,
            _base,
            HttpMethod.Put,
            "echo/raw?x=1",
            ConnectorContent.Text("héllo", "text/plain"),
            CancellationToken.None
        );
        var echo = JsonSerializer.Deserialize<Echo>(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("PUT", echo.Method);
        Assert.Equal("héllo", echo.Body);
        Assert.Equal("text/plain; charset=utf-8", echo.ContentType);
        Assert.Equal(["1"], echo.Query["x"]);

        using var notFound = await ConnectorHttp.SendRawAsync(_client, _base, HttpMethod.Get, "status/404", null, CancellationToken.None);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ConnectorHttp.SendAsync(_client, _base, new ConnectorRequest("GET", "status/200"), cts.Token)
        );
    }

    public sealed record ValidationError(
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] string Code,
        [property: System.Text.Json.Serialization.JsonPropertyName("fields")] string[] Fields
    );
}
