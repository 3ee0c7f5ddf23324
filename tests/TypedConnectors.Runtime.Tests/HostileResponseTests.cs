using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TypedConnectors.Tests.Infrastructure;

namespace TypedConnectors.Tests;

#pragma warning disable CA1812 // Only used through typeof.
[Connector("oauth-echo", BaseUrl = "http://{{host}}:{{port}}/api")]
[AuthMethod("oauth", AuthKind.OAuth2)]
[OAuth2("oauth", TokenUri = "http://{{host}}:{{port}}/api/token", GrantTypes = ["client_credentials"])]
internal sealed class OAuthEchoClient;
#pragma warning restore CA1812

/// <summary>
/// Servers that send endless, compressed-bomb or dripping bodies, and that echo secrets: the call ends with the size or
/// time exception, memory stays bounded (measured), and no secret reaches a message or a log line.
/// </summary>
public sealed class HostileResponseTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const long Limit = 1024 * 1024;

    /// <summary>What a hostile server offers: 256 times the limit.</summary>
    private const long Offered = 256 * Limit;

    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        // 64 MiB of zeros compress to about 64 KiB.
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }

        return buffer.ToArray();
    });

    private FaultServer _server = null!;

    public async Task InitializeAsync() => _server = await FaultServer.StartAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Base => new(_server.Server.BaseUri, "api/");

    /// <summary>
    /// Answers the next request with the start of a JSON array and then nothing until the client goes away; the task
    /// completes once those first bytes are sent.
    /// </summary>
    private Task Drip()
    {
        var firstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Then(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("[1");
            await context.Response.Body.FlushAsync();
            firstBytes.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException) { }
        });
        return firstBytes.Task;
    }

    private ConnectorConnection Connection(
        Action<ConnectorConnectionOptions>? configure = null,
        string authMethod = "none",
        Dictionary<string, string?>? values = null
    )
    {
        var options = new ConnectorConnectionOptions { MaxResponseBytes = Limit, MaxRetries = 0 };
        configure?.Invoke(options);
        return authMethod == "none"
            ? TestConnection.For<PlainClient>(_server.Server, "none", options: options)
            : TestConnection.For<AuthClient>(_server.Server, authMethod, values, options);
    }

    /// <summary>Writes one reused 64 KiB chunk until <see cref="Offered"/> bytes or the client goes away.</summary>
    private static async Task EndlessAsync(HttpContext context, string contentType, byte fill)
    {
        context.Response.ContentType = contentType;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, fill);
        chunk[0] = (byte)'[';
        try
        {
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, 1), context.RequestAborted);
            Array.Fill(chunk, fill);
            for (long sent = 0; sent < Offered; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            // The client stopped reading: what the test wants.
        }
    }

    private static long Allocated() => GC.GetTotalAllocatedBytes(precise: true);

    [Fact]
    public async Task An_endless_json_body_ends_with_the_size_exception_in_bounded_memory()
    {
        _server.Then(context => EndlessAsync(context, "application/json", (byte)' '));
        using var connection = Connection();
        using var client = connection.CreateHttpClient();

        var before = Allocated();
        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendAsync<JsonElement>(client, Base, new ConnectorRequest("GET", "feed"), CancellationToken.None)
        );
        var allocated = Allocated() - before;
        output.WriteLine($"allocated {allocated} bytes (limit {Limit}, offered {Offered})");

        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Contains("1048576 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(200, ex.StatusCode);
        Assert.True(allocated < 32 * Limit, $"Allocated {allocated} bytes for a body limited to {Limit} (the server offered {Offered}).");
    }

    [Fact]
    public async Task An_endless_text_body_and_an_endless_stream_end_with_the_size_exception()
    {
        _server.Then(context => EndlessAsync(context, "text/plain", (byte)'a'));
        _server.Then(context => EndlessAsync(context, "application/octet-stream", 0));
        using var connection = Connection();
        using var client = connection.CreateHttpClient();

        await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendForStringAsync(client, Base, new ConnectorRequest("GET", "text"), CancellationToken.None)
        );

        var before = Allocated();
        await using var stream = await ConnectorHttp.SendForStreamAsync(
            client,
            Base,
            new ConnectorRequest("GET", "blob"),
            CancellationToken.None
        );
        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() => stream.CopyToAsync(Stream.Null));
        Assert.True(Allocated() - before < 16 * Limit, "Streaming must not buffer the body.");
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public async Task A_gzip_bomb_is_stopped_at_the_same_limit_after_decompression()
    {
        var bomb = GzipBomb.Value;
        Assert.True(bomb.Length < Limit, "The compressed body itself is under the limit.");
        _server.Then(async context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.Headers.ContentEncoding = "gzip";
            await context.Response.Body.WriteAsync(bomb);
        });
        using var connection = Connection();
        using var client = connection.CreateHttpClient();

        var before = Allocated();
        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendForStringAsync(client, Base, new ConnectorRequest("GET", "bomb"), CancellationToken.None)
        );
        var allocated = Allocated() - before;
        output.WriteLine($"allocated {allocated} bytes (limit {Limit}, offered {Offered})");

        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.True(allocated < 32 * Limit, $"Allocated {allocated} bytes inflating a 64 MiB bomb limited to {Limit}.");
    }

    [Fact]
    public async Task A_declared_content_length_over_the_limit_is_refused_before_reading()
    {
        _server.Then(async context =>
        {
            context.Response.ContentLength = 8 * Limit;
            var chunk = new byte[64 * 1024];
            try
            {
                for (var i = 0; i < 128; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException) { }
        });
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<ConnectorResponseException>(() =>
            ConnectorHttp.SendForStringAsync(client, Base, new ConnectorRequest("GET", "big"), CancellationToken.None)
        );
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public async Task An_event_stream_is_open_ended_and_not_bounded_by_the_body_limit()
    {
        _server.Then(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var line = System.Text.Encoding.UTF8.GetBytes("data: " + new string('x', 1000) + "\n\n");
            for (var i = 0; i < 2 * Limit / line.Length; i++)
            {
                await context.Response.Body.WriteAsync(line);
            }
        });
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        await using var stream = await ConnectorHttp.SendForStreamAsync(
            client,
            Base,
            new ConnectorRequest("GET", "events"),
            CancellationToken.None
        );
        var counting = new MemoryStream();
        await stream.CopyToAsync(counting);
        Assert.True(counting.Length > Limit);
    }

    [Fact]
    public async Task An_error_body_declared_over_the_limit_still_reports_the_status()
    {
        _server.Then(async context =>
        {
            context.Response.StatusCode = 422;
            context.Response.ContentLength = 8 * Limit;
            try
            {
                await context.Response.Body.WriteAsync(new byte[64 * 1024], context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException) { }
        });
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "invalid"), CancellationToken.None)
        );
        Assert.Equal(422, ex.StatusCode);
        Assert.IsType<ConnectorResponseException>(ex.InnerException);
    }

    [Fact]
    public async Task An_endless_error_body_is_cut_at_the_kept_length()
    {
        _server.Then(async context =>
        {
            context.Response.StatusCode = 400;
            await EndlessAsync(context, "text/plain", (byte)'e');
        });
        using var connection = Connection();
        using var client = connection.CreateHttpClient();
        var before = Allocated();
        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "oops"), CancellationToken.None)
        );
        Assert.Equal(ConnectorApiException.MaxResponseBodyLength, ex.ResponseBody!.Length);
        Assert.True(Allocated() - before < 16 * Limit);
    }

    [Fact]
    public async Task A_body_that_drips_stops_at_the_call_deadline_with_a_timeout()
    {
        var time = new FakeTimeProvider();

        // The start of a body and then nothing, for ever: the deadline, not the attempt timeout, has to end it.
        var firstBytes = Drip();
        using var connection = Connection(o =>
        {
            o.TimeProvider = time;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.CallTimeout = TimeSpan.FromSeconds(20);
        });
        using var client = connection.CreateHttpClient();

        var stream = await ConnectorHttp.SendForStreamAsync(
            client,
            Base,
            new ConnectorRequest("GET", "drip") { OperationId = "drip" },
            CancellationToken.None
        );
        await firstBytes;
        var buffer = new byte[16];
        Assert.Equal(2, await stream.ReadAsync(buffer));
        var read = stream.ReadAsync(buffer).AsTask();

        // Past the attempt timeout the read still waits (headers had arrived); at the call deadline it fails.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => read);
        Assert.Contains("drip", ex.Message, StringComparison.Ordinal);
        await stream.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_typed_body_that_drips_ends_at_the_deadline_or_the_callers_own_token(bool callerCancels)
    {
        // The caller's own token reaches the pipeline wrapped by HttpClient, which drops that wrapping once the headers
        // are in: the body's reads link the caller's token to the deadline themselves (once for all of them).
        var time = new FakeTimeProvider();
        var firstBytes = Drip();
        using var connection = Connection(o =>
        {
            o.TimeProvider = time;
            o.CallTimeout = TimeSpan.FromSeconds(20);
        });
        using var client = connection.CreateHttpClient();
        using var caller = new CancellationTokenSource();

        var call = ConnectorHttp.SendAsync<JsonElement>(
            client,
            Base,
            new ConnectorRequest("GET", "drip") { OperationId = "drip" },
            caller.Token
        );
        await firstBytes;
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        if (callerCancels)
        {
            caller.Cancel();
            var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.IsNotType<TimeoutException>(canceled.InnerException);
        }
        else
        {
            time.Advance(TimeSpan.FromSeconds(20));
            var ex = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("drip", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Secrets_echoed_in_reason_phrases_never_reach_messages_or_logs()
    {
        const string Token = "tok-SECRET-4711-abcdef";
        _server.Then(context =>
        {
            context.Response.StatusCode = 403;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Token " + Token + " is not allowed";
            return Task.CompletedTask;
        });
        var logger = new ListLogger();
        using var connection = Connection(o => o.Logger = logger, "bearer", new() { ["token"] = Token });
        using var client = connection.CreateHttpClient();

        var ex = await Assert.ThrowsAsync<ConnectorApiException>(() =>
            ConnectorHttp.SendAsync(client, Base, new ConnectorRequest("GET", "me"), CancellationToken.None)
        );

        Assert.Equal("Bearer " + Token, _server.Requests[0].Header("Authorization"));
        Assert.Equal("Token *** is not allowed", ex.ReasonPhrase);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logger.Messages);
        Assert.All(logger.Messages, m => Assert.DoesNotContain(Token, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_secret_echoed_in_oauth_error_and_description_never_reaches_messages_or_logs()
    {
        const string Secret = "cs-VERY-secret-9f8e7d";
        _server.Then(async context =>
        {
            context.Response.StatusCode = 401;
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "bad " + Secret;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                JsonSerializer.Serialize(
                    new Dictionary<string, string>
                    {
                        ["error"] = "invalid_client:" + Secret,
                        ["error_description"] = "client_secret " + Secret + " is wrong (" + Uri.EscapeDataString(Secret + "/+") + ")",
                    }
                )
            );
        });
        var logger = new ListLogger();
        var connection = new TestConnection(
            typeof(OAuthEchoClient),
            "oauth",
            new Dictionary<string, string?>
            {
                ["host"] = "127.0.0.1",
                ["port"] = _server.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["client_id"] = "app-1",
                ["client_secret"] = Secret,
            },
            options: new ConnectorConnectionOptions { Logger = logger }
        );

        var ex = await Assert.ThrowsAsync<OAuthException>(() => connection.OAuthSession!.RequestClientCredentialsTokenAsync());

        Assert.Equal(Secret, System.Web.HttpUtility.ParseQueryString(_server.Requests[0].Body)["client_secret"]);
        Assert.Equal("invalid_client:***", ex.Error);
        Assert.DoesNotContain(Secret, ex.ErrorDescription!, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logger.Messages);
        Assert.All(logger.Messages, m => Assert.DoesNotContain(Secret, m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_endless_token_response_ends_with_an_oauth_exception_in_bounded_memory()
    {
        _server.Then(context => EndlessAsync(context, "application/json", (byte)' '));
        var connection = new TestConnection(
            typeof(OAuthEchoClient),
            "oauth",
            new Dictionary<string, string?>
            {
                ["host"] = "127.0.0.1",
                ["port"] = _server.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["client_id"] = "app-1",
                ["client_secret"] = "secret-1",
            },
            options: new ConnectorConnectionOptions { MaxResponseBytes = Limit }
        );

        var before = Allocated();
        var ex = await Assert.ThrowsAsync<OAuthException>(() => connection.OAuthSession!.RequestClientCredentialsTokenAsync());
        var allocated = Allocated() - before;
        output.WriteLine($"allocated {allocated} bytes (limit {Limit}, offered {Offered})");
        Assert.True(allocated < 32 * Limit, $"Allocated {allocated} bytes for a token response limited to {Limit}.");
        Assert.IsType<ConnectorResponseException>(ex.InnerException);
    }
}
