using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace QuickStart;

/// <summary>What the local server received for one request, and what it answered.</summary>
internal sealed record SeenRequest(
    TimeSpan At,
    string Method,
    string PathAndQuery,
    string AuthHeader,
    string? AuthValue,
    bool AuthValid,
    string Body,
    int Status
);

/// <summary>
/// A Kestrel server on 127.0.0.1 that plays the four APIs of the connector files: it checks each API's credentials
/// (401 when wrong), answers with JSON, limits nothing itself, and asks for one retry with 429 + Retry-After.
/// The ledger API has an OAuth 2.0 token endpoint (client credentials, HTTP Basic client authentication) that issues
/// each registered client an access token of its own; the balance endpoint answers for the token's customer.
/// </summary>
internal sealed class LocalApiServer : IAsyncDisposable
{
    /// <summary>The port the connector files' base URLs name.</summary>
    public const int PreferredPort = 27182;

    public const string HelpdeskApiKey = "hd_live_4f2a9c1e";
    public const string WeatherApiKey = "wx_demo_71d3b0aa";
    public const string NotesToken = "nt_9b8e6d5c4b3a2f10";

    /// <summary>The ledger's registered OAuth clients: client id → secret, the customer whose books it reads, and that customer's balance.</summary>
    public static readonly IReadOnlyDictionary<string, (string Secret, string Customer, decimal Balance)> LedgerClients = new Dictionary<
        string,
        (string, string, decimal)
    >(StringComparer.Ordinal)
    {
        ["acme-app"] = ("acme-secret", "acme", 12_345.67m),
        ["globex-app"] = ("globex-secret", "globex", 987_654.32m),
    };

    private readonly WebApplication _app;
    private readonly Stopwatch _clock;
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private int _alertAttempts;
    private int _ledgerTokenRequests;

    // Access tokens the ledger's token endpoint issued, with the customer each belongs to.
    private readonly ConcurrentDictionary<string, string> _ledgerTokens = new(StringComparer.Ordinal);

    private LocalApiServer(WebApplication app, Stopwatch clock)
    {
        _app = app;
        _clock = clock;
    }

    public int Port { get; private set; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<SeenRequest> Seen => _seen.ToArray();

    /// <summary>How many requests the ledger's token endpoint received (valid or not).</summary>
    public int LedgerTokenRequests => Volatile.Read(ref _ledgerTokenRequests);

    /// <summary>The customer each issued ledger access token belongs to.</summary>
    public IReadOnlyDictionary<string, string> LedgerTokens => _ledgerTokens;

    /// <summary>Starts on <see cref="PreferredPort"/>, or on a free port when that one is taken.</summary>
    public static async Task<LocalApiServer> StartAsync(Stopwatch clock)
    {
        try
        {
            return await StartAsync(clock, PreferredPort);
        }
        catch (IOException)
        {
            // Something else listens on the preferred port; Program points the connections at the free one instead.
            return await StartAsync(clock, 0);
        }
    }

    private static async Task<LocalApiServer> StartAsync(Stopwatch clock, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new LocalApiServer(app, clock);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        server.Port = new Uri(app.Urls.First()).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var path = request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (authHeader, expected) = segments.FirstOrDefault() switch
        {
            "helpdesk" => ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(HelpdeskApiKey + ":X"))),
            "weather" => ("X-Api-Key", WeatherApiKey),
            "notes" => ("Authorization", "Bearer " + NotesToken),
            "ledger" => ("Authorization", null), // per client: checked by LedgerAuthValid
            _ => ("Authorization", "\0"),
        };
        var authValue = request.Headers.TryGetValue(authHeader, out var values) ? values.ToString() : null;
        var isLedgerTokenRequest = segments is ["ledger", "oauth", "token"];
        if (isLedgerTokenRequest)
        {
            Interlocked.Increment(ref _ledgerTokenRequests);
        }

        var authValid = expected is null
            ? LedgerAuthValid(isLedgerTokenRequest, authValue)
            : string.Equals(authValue, expected, StringComparison.Ordinal);

        var (status, json, retryAfter) = authValid
            ? Route(request, segments, body)
            : (401, isLedgerTokenRequest ? """{"error":"invalid_client"}""" : """{"error":"invalid credentials"}""", null);
        _seen.Enqueue(
            new SeenRequest(
                _clock.Elapsed,
                request.Method,
                path + request.QueryString.Value,
                authHeader,
                authValue,
                authValid,
                body,
                status
            )
        );

        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = segments is ["notes", "v1", "activity"] ? "text/event-stream" : "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private (int Status, string Json, string? RetryAfter) Route(HttpRequest request, string[] s, string body)
    {
        var query = request.Query;
        switch (request.Method, s)
        {
            case ("GET", ["helpdesk", "api", "v2", "tickets", var id]) when long.TryParse(id, out var ticketId):
                return ticketId == 42
                    ? (200, Json(Ticket(42, "Printer on fire", "open", 4, query["include"] == "requester")), null)
                    : (404, """{"error":"no such ticket"}""", null);

            case ("GET", ["helpdesk", "api", "v2", "tickets"]):
                var tickets = new[]
                {
                    Ticket(42, "Printer on fire", "open", 4, true),
                    Ticket(41, "VPN drops every hour", "open", 2, true),
                    Ticket(40, "Invoice copy", "resolved", 1, true),
                }
                    .Where(t => query["status"].Count == 0 || (string?)t["status"] == query["status"].ToString())
                    .Take(int.TryParse(query["per_page"], out var perPage) ? perPage : 30);
                return (200, Json(new JsonArray(tickets.ToArray<JsonNode?>())), null);

            case ("GET", ["weather", "v1", "forecast", var city]):
                var days = int.TryParse(query["days"], out var d) ? d : 3;
                var forecast = new JsonObject
                {
                    ["city"] = city,
                    ["units"] = query["units"].Count == 0 ? "metric" : query["units"].ToString(),
                    ["days"] = new JsonArray(
                        Enumerable
                            .Range(0, days)
                            .Select(i =>
                                (JsonNode?)
                                    new JsonObject
                                    {
                                        ["date"] = new DateOnly(2025, 6, 1)
                                            .AddDays(i)
                                            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                                        ["high"] = 18.5 + i,
                                        ["low"] = 9.0 + (i / 2.0),
                                        ["summary"] = i % 2 == 0 ? "sunny spells" : "light rain",
                                    }
                            )
                            .ToArray()
                    ),
                };
                return (200, Json(forecast), null);

            case ("GET", ["weather", "v1", "alerts"]):
                // The first attempt is told to come back in one second, as a busy API does.
                if (Interlocked.Increment(ref _alertAttempts) == 1)
                {
                    return (429, """{"error":"slow down"}""", "1");
                }

                var alerts = new JsonArray(
                    new JsonObject
                    {
                        ["id"] = "8f14e45f-ceea-467f-a8f3-2c4d7a1b9e01",
                        ["severity"] = "moderate",
                        ["headline"] = $"Gale warning for {query["region"]}",
                        ["issued_at"] = "2025-06-01T06:00:00Z",
                    },
                    new JsonObject
                    {
                        ["id"] = "c9f0f895-fb98-4b91-8c9a-5e6f4d3c2b10",
                        ["severity"] = "minor",
                        ["headline"] = "Fog patches near the coast",
                    }
                );
                return (200, Json(alerts), null);

            case ("POST", ["notes", "v1", "notes"]):
                var note = JsonNode.Parse(body)!.AsObject();
                if ((string?)note["source"] != "quickstart")
                {
                    return (400, """{"error":"the body template's constant 'source' is missing"}""", null);
                }

                note.Remove("source");
                note["id"] = 1001;
                note["created_at"] = "2025-06-01T12:00:00Z";
                return (201, Json(note), null);

            case ("GET", ["notes", "v1", "notes"]):
                // Five notes, paged with ?page= and ?per_page=.
                var number = int.TryParse(request.Query["page"], out var p) ? p : 1;
                var size = int.TryParse(request.Query["per_page"], out var n) ? n : 2;
                var page = new JsonArray(
                    Enumerable
                        .Range(1, 5)
                        .Skip((number - 1) * size)
                        .Take(size)
                        .Select(i => (JsonNode)new JsonObject { ["id"] = 2000 + i, ["title"] = "Note " + i })
                        .ToArray()
                );
                return (200, Json(new JsonObject { ["notes"] = page }), null);

            case ("GET", ["notes", "v1", "activity"]):
                // Server-sent events, ending with OpenAI's [DONE] marker.
                return (
                    200,
                    "id: 1\ndata: {\"kind\":\"created\",\"note_id\":1001}\n\nid: 2\ndata: {\"kind\":\"pinned\",\"note_id\":1001}\n\ndata: [DONE]\n\n",
                    null
                );

            case ("POST", ["notes", "v1", "contacts"]):
                var contact = JsonNode.Parse(body)!.AsObject();
                contact["id"] = "0b8e1b7a-2f3d-4c5e-9a1b-6c7d8e9f0a1b";
                return (201, Json(contact), null);

            case ("POST", ["ledger", "oauth", "token"]):
                // RFC 6749 §4.4: client credentials grant; the client already authenticated with HTTP Basic.
                var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
                if (form["grant_type"] != "client_credentials")
                {
                    return (400, """{"error":"unsupported_grant_type"}""", null);
                }

                if (!form["scope"].ToString().Split(' ').Contains("ledger.read") || form["audience"] != "ledger")
                {
                    return (
                        400,
                        """{"error":"invalid_scope","error_description":"scope ledger.read and audience ledger are required"}""",
                        null
                    );
                }

                var (clientId, _) = BasicCredentials(request.Headers.Authorization.ToString())!.Value;
                var customer = LedgerClients[clientId].Customer;
                var accessToken =
                    "lt_" + customer + "_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
                _ledgerTokens[accessToken] = customer;
                return (
                    200,
                    Json(
                        new JsonObject
                        {
                            ["access_token"] = accessToken,
                            ["token_type"] = "Bearer",
                            ["expires_in"] = 3600,
                            ["scope"] = "ledger.read",
                        }
                    ),
                    null
                );

            case ("GET", ["ledger", "v1", "balance"]):
                var owner = _ledgerTokens[request.Headers.Authorization.ToString()["Bearer ".Length..]];
                var balance = LedgerClients.Values.Single(c => c.Customer == owner).Balance;
                return (200, Json(new JsonObject { ["customer"] = owner, ["balance"] = balance }), null);

            default:
                return (404, """{"error":"not found"}""", null);
        }
    }

    /// <summary>
    /// The ledger's credentials: at the token endpoint a registered client's id and secret in HTTP Basic (each
    /// form-urlencoded before base64, RFC 6749 §2.3.1); at the API a bearer token this server issued.
    /// </summary>
    private bool LedgerAuthValid(bool tokenEndpoint, string? authorization)
    {
        if (tokenEndpoint)
        {
            return BasicCredentials(authorization) is var (id, secret)
                && LedgerClients.TryGetValue(id, out var client)
                && string.Equals(client.Secret, secret, StringComparison.Ordinal);
        }

        return authorization is not null
            && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            && _ledgerTokens.ContainsKey(authorization["Bearer ".Length..]);
    }

    /// <summary>Decodes <c>Basic base64(urlencode(id):urlencode(secret))</c>, or null when the header is not that.</summary>
    private static (string Id, string Secret)? BasicCredentials(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : (WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]));
    }

    private static JsonObject Ticket(long id, string subject, string status, int priority, bool withRequester) =>
        new()
        {
            ["id"] = id,
            ["subject"] = subject,
            ["status"] = status,
            ["priority"] = priority,
            ["requester"] = withRequester ? new JsonObject { ["name"] = "Ada Lovelace", ["email"] = "ada@example.com" } : null,
            ["created_at"] = "2025-05-30T09:15:00Z",
            ["tags"] = new JsonArray("hardware", "office-2"),
        };

    private static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
