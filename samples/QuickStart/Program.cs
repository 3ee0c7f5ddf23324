// TypedConnectors QuickStart: four connector files in Connectors/ became typed clients at build time.
// This program starts a local server that plays those APIs, calls every generated method, and prints what happened.
// No internet: everything goes to 127.0.0.1. Exit code 0 means every call behaved as described.
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using QuickStart;
using QuickStart.Helpdesk;
using QuickStart.Ledger;
using QuickStart.Notes;
using QuickStart.Weather;
using TypedConnectors;

Console.OutputEncoding = Encoding.UTF8;
var clock = Stopwatch.StartNew();
var report = new Report(clock);

try
{
    await using var server = await LocalApiServer.StartAsync(clock);
    report.Server = server;
    Console.WriteLine("TypedConnectors QuickStart");
    Console.WriteLine($"Local server on http://127.0.0.1:{server.Port} plays the helpdesk, weather, notes and ledger APIs.");

    // The connector files name port 27182. If another program holds it, the connections are pointed at the port the
    // server got instead (ConnectorConnectionOptions.BaseAddress, meant for sandboxes and local test servers).
    ConnectorConnectionOptions Options(string basePath) =>
        server.Port == LocalApiServer.PreferredPort
            ? new ConnectorConnectionOptions()
            : new ConnectorConnectionOptions { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/{basePath}/") };
    if (server.Port != LocalApiServer.PreferredPort)
    {
        Console.WriteLine(
            $"(Port {LocalApiServer.PreferredPort} is in use, so the connections use BaseAddress http://127.0.0.1:{server.Port}/... instead of their templates.)"
        );
    }

    await HelpdeskAsync(report, Options("helpdesk/api/v2"));
    await WeatherAsync(report, Options("weather/v1"));
    await NotesAsync(report, Options("notes/v1"));
    await LedgerAsync(report, Options("ledger/v1"), server);
}
catch (Exception ex)
{
    report.Fail($"unexpected {ex.GetType().Name}: {ex.Message}");
}

Console.WriteLine();
Console.WriteLine(
    report.Failures == 0
        ? "QuickStart finished: every generated method was called and behaved as expected."
        : $"QuickStart FAILED: {report.Failures} check(s) did not hold."
);
return report.Failures == 0 ? 0 : 1;

// helpdesk.connector.json: base URL "http://{{domain}}:27182/helpdesk/api/v2", Basic auth with the API key as user.
static async Task HelpdeskAsync(Report report, ConnectorConnectionOptions options)
{
    report.Section("helpdesk.connector.json: {{domain}} base URL + Basic auth");
    var connection = HelpdeskConnection.Create(apiKey: LocalApiServer.HelpdeskApiKey, domain: "127.0.0.1", options);
    Console.WriteLine($"  connection: {connection}");
    Console.WriteLine($"  base URL:   {HelpdeskClient.BaseUrlTemplate}  ->  {connection.BaseAddress}");
    using var helpdesk = new HelpdeskClient(connection);

    report.Call("helpdesk.GetTicketAsync(42, include: GetTicketInclude.Requester)");
    var ticket = await helpdesk.GetTicketAsync(42, GetTicketInclude.Requester);
    report.ServerSaw();
    report.Returned(
        $"Ticket #{ticket.Id} \"{ticket.Subject}\" status={ticket.Status} priority={ticket.Priority} requester={ticket.Requester?.Name} <{ticket.Requester?.Email}> created={ticket.CreatedAt:u} tags=[{string.Join(", ", ticket.Tags ?? [])}]"
    );
    report.Check(
        ticket is { Id: 42, Status: TicketStatus.Open, Requester.Name: "Ada Lovelace" },
        "GetTicketAsync returns the typed ticket"
    );
    report.Check(
        report.Last.PathAndQuery == "/helpdesk/api/v2/tickets/42?include=requester",
        "path parameter and enum query value on the wire"
    );

    report.Call("helpdesk.ListTicketsAsync(ListTicketsStatus.Open, perPage: 2, xRequestId: \"req-7\")");
    var tickets = await helpdesk.ListTicketsAsync(ListTicketsStatus.Open, perPage: 2, xRequestId: "req-7");
    report.ServerSaw();
    foreach (var t in tickets)
    {
        report.Returned($"Ticket #{t.Id} \"{t.Subject}\" status={t.Status}");
    }

    report.Check(tickets.Count == 2 && tickets.All(t => t.Status == TicketStatus.Open), "ListTicketsAsync returns the open tickets");

    Console.WriteLine();
    Console.WriteLine("  The same call with a wrong API key: the server answers 401, the client throws ConnectorApiException.");
    using (var wrong = new HelpdeskClient(HelpdeskConnection.Create("hd_live_wrong000", "127.0.0.1", options)))
    {
        report.Call("wrongKey.GetTicketAsync(42)");
        try
        {
            await wrong.GetTicketAsync(42);
            report.Fail("a wrong API key was accepted");
        }
        catch (ConnectorApiException ex)
        {
            report.ServerSaw();
            report.Returned($"ConnectorApiException: {ex.StatusCode} {ex.ReasonPhrase}, body {ex.ResponseBody}");
            report.Check(ex.StatusCode == 401 && !report.Last.AuthValid, "wrong credentials give 401");
        }
    }

    Console.WriteLine();
    Console.WriteLine("  A domain value that would change the host is refused before any request is sent:");
    try
    {
        HelpdeskConnection.Create(LocalApiServer.HelpdeskApiKey, "evil.example/steal?x=", options: new ConnectorConnectionOptions());
        report.Fail("a hostile domain value was accepted");
    }
    catch (ConnectorConfigurationException ex)
    {
        Console.WriteLine($"  domain = \"evil.example/steal?x=\"  ->  ConnectorConfigurationException: {ex.Message}");
    }
}

// weather.connector.json: API key in the X-Api-Key header, at most 2 requests per 2 seconds.
static async Task WeatherAsync(Report report, ConnectorConnectionOptions options)
{
    report.Section("weather.connector.json: API key header + rate limit of 2 requests per 2 s");
    var connection = WeatherConnection.Create(LocalApiServer.WeatherApiKey, options);
    Console.WriteLine($"  connection: {connection}");
    using var weather = new WeatherClient(connection);

    Console.WriteLine("  Four GetForecastAsync calls started at once; the connection's rate limiter lets two through per 2 s window:");
    var before = report.Server!.Seen.Count;
    var started = report.Now;
    string[] cities = ["oslo", "bergen", "tromso", "stavanger"];
    var forecasts = await Task.WhenAll(cities.Select(city => weather.GetForecastAsync(city, days: 2, units: GetForecastUnits.Metric)));
    var calls = report.Server.Seen.Skip(before).ToList();
    foreach (var seen in calls)
    {
        Console.WriteLine(
            $"    server saw at +{(seen.At - started).TotalSeconds:0.00}s: {seen.Method} {seen.PathAndQuery}   {seen.AuthHeader}: {Report.Mask(seen.AuthValue)} ({(seen.AuthValid ? "valid" : "WRONG")})"
        );
    }

    foreach (var forecast in forecasts)
    {
        report.Returned(
            $"{forecast.City}: {string.Join("; ", forecast.Days.Select(d => $"{d.Date} {d.Low:0.#}..{d.High:0.#} {forecast.Units} {d.Summary}"))}"
        );
    }

    var arrivals = calls.Select(c => c.At).Order().ToList();
    report.Check(calls.Count == 4 && calls.All(c => c.AuthValid), "four forecasts, each with the API key header");
    report.Check(forecasts.All(f => f.Days.Count == 2), "GetForecastAsync returns typed forecasts");
    report.Check(
        arrivals.Count == 4 && arrivals[2] - arrivals[0] >= TimeSpan.FromSeconds(1.5),
        "the 3rd and 4th call waited for the next rate-limit window"
    );
    Console.WriteLine(
        $"  -> calls 3 and 4 waited {(arrivals[2] - arrivals[0]).TotalSeconds:0.0}s for the rate limit instead of getting 429s."
    );

    Console.WriteLine();
    Console.WriteLine("  GetAlertsAsync: the server answers the first attempt with 429 + Retry-After: 1; the runtime waits and retries:");
    before = report.Server.Seen.Count;
    started = report.Now;

    // The runtime reports one span per logical call on the ActivitySource "TypedConnectors" (ConnectorTelemetry.Name).
    // An OpenTelemetry app adds it with AddSource(ConnectorTelemetry.Name); here a plain listener collects it.
    var spans = new List<System.Diagnostics.Activity>();
    using var listener = new ActivityListener
    {
        ShouldListenTo = source => source.Name == ConnectorTelemetry.Name,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = activity =>
        {
            lock (spans)
            {
                spans.Add(activity);
            }
        },
    };
    ActivitySource.AddActivityListener(listener);
    var alerts = await weather.GetAlertsAsync("north-sea");
    var attempts = report.Server.Seen.Skip(before).ToList();
    for (var i = 0; i < attempts.Count; i++)
    {
        var seen = attempts[i];
        var note =
            i == 0 ? "  (sent once the rate-limit window had room)" : $"  ({(seen.At - attempts[0].At).TotalSeconds:0.00}s after the 429)";
        Console.WriteLine(
            $"    attempt {i + 1}: server saw at +{(seen.At - started).TotalSeconds:0.00}s: {seen.Method} {seen.PathAndQuery} -> {seen.Status}{(seen.Status == 429 ? " Retry-After: 1" : "")}{note}"
        );
    }

    foreach (var alert in alerts)
    {
        report.Returned($"[{alert.Severity}] {alert.Headline} (id {alert.Id}, issued {alert.IssuedAt?.ToString("u") ?? "-"})");
    }

    report.Check(attempts.Count == 2 && attempts[0].Status == 429 && attempts[1].Status == 200, "one 429, then a successful retry");
    report.Check(attempts.Count == 2 && attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(0.9), "the retry waited for Retry-After");
    report.Check(alerts.Count == 2 && alerts[0].Severity == GetAlertsResponseItemSeverity.Moderate, "GetAlertsAsync returns typed alerts");

    System.Diagnostics.Activity? span;
    lock (spans)
    {
        span = spans.SingleOrDefault(a => (string?)a.GetTagItem(ConnectorTelemetry.OperationAttribute) == "get_alerts");
    }

    Console.WriteLine("  Its span (one per logical call, an event per attempt):");
    if (span is not null)
    {
        Console.WriteLine(
            $"    span \"{span.DisplayName}\" kind={span.Kind} status={span.Status} duration={span.Duration.TotalSeconds:0.00}s"
        );
        foreach (var (key, value) in span.TagObjects)
        {
            Console.WriteLine($"      {key} = {value}");
        }

        foreach (var attempt in span.Events)
        {
            Console.WriteLine(
                $"      event {attempt.Name} at +{(attempt.Timestamp - span.StartTimeUtc).TotalSeconds:0.00}s: {string.Join(", ", attempt.Tags.Select(t => $"{t.Key}={t.Value}"))}"
            );
        }
    }

    report.Check(
        span is not null
            && (int?)span.GetTagItem(ConnectorTelemetry.RetryCountAttribute) == 1
            && (int?)span.GetTagItem("http.response.status_code") == 200
            && span.Events.Count() == 2,
        "one span for the call: retry count 1, final status 200, two attempt events"
    );
}

// notes.connector.json: bearer token; one POST body from a body_template, one from body fields.
// This client comes from IHttpClientFactory through the generated services.AddNotesClient(...).
static async Task NotesAsync(Report report, ConnectorConnectionOptions options)
{
    report.Section("notes.connector.json: POST bodies (body_template and body fields), bearer token, DI registration");
    var services = new ServiceCollection();
    services.AddNotesClient(NotesConnection.Create(LocalApiServer.NotesToken, options));
    await using var provider = services.BuildServiceProvider();
    var notes = provider.GetRequiredService<INotesClient>();

    report.Call(
        "notes.CreateNoteAsync(title: \"Call \\\"ACME\\\" back\", body: \"Line 1\\nLine 2\", pinned: true, idempotencyKey: \"n-1\")"
    );
    var note = await notes.CreateNoteAsync(title: "Call \"ACME\" back", body: "Line 1\nLine 2", pinned: true, idempotencyKey: "n-1");
    report.ServerSaw(showBody: true);
    report.Returned(
        $"Note #{note.Id} \"{note.Title}\" pinned={note.Pinned} created={note.CreatedAt:u} body={System.Text.Json.JsonSerializer.Serialize(note.Body)}"
    );
    report.Check(
        note is { Id: 1001, Title: "Call \"ACME\" back", Body: "Line 1\nLine 2", Pinned: true },
        "the template's holes were filled with correctly escaped JSON"
    );

    report.Call("notes.AddContactAsync(\"Grace Hopper\", \"grace@example.com\", company: \"Navy\")");
    var contact = await notes.AddContactAsync("Grace Hopper", "grace@example.com", company: "Navy");
    report.ServerSaw(showBody: true);
    report.Returned($"Contact {contact.Id}: {contact.Name} <{contact.Email}> company={contact.Company} vip={contact.Vip}");
    report.Check(
        contact is { Name: "Grace Hopper", Company: "Navy", Vip: false },
        "body fields (with the default for vip) sent as a JSON object"
    );

    report.Call("await foreach (var n in notes.ListNotesAllAsync()) ...");
    var titles = new List<string>();
    await foreach (var listed in notes.ListNotesAllAsync())
    {
        titles.Add(listed.Title);
    }

    report.ServerSaw(showBody: false);
    report.Returned(string.Join(", ", titles));
    report.Check(
        titles.Count == 5 && titles[0] == "Note 1" && titles[4] == "Note 5",
        "five notes read across pages of two, one request at a time; the short third page was the last"
    );

    report.Call("await foreach (var e in notes.WatchActivityStreamAsync()) ...");
    var activity = new List<string>();
    await foreach (var e in notes.WatchActivityStreamAsync())
    {
        activity.Add(e.Kind + " #" + e.NoteId);
    }

    report.ServerSaw(showBody: false);
    report.Returned(string.Join(", ", activity));
    report.Check(
        activity.SequenceEqual(new[] { "created #1001", "pinned #1001" }),
        "server-sent events read as typed Activity until [DONE]"
    );
}

// ledger.connector.json: OAuth 2.0 client credentials. One connector, two customers: each connection has its own
// client id and secret, its own access token (requested once, then reused) and its own rate limiter.
static async Task LedgerAsync(Report report, ConnectorConnectionOptions options, LocalApiServer server)
{
    report.Section("ledger.connector.json: OAuth 2.0 client credentials, two customers (connections) on one connector");
    if (server.Port != LocalApiServer.PreferredPort)
    {
        // The declared token_uri names port 27182 too; OAuthOptions.TokenEndpoint replaces it like BaseAddress does the base URL.
        options.OAuth.TokenEndpoint = new Uri($"http://127.0.0.1:{server.Port}/ledger/oauth/token");
    }

    // connectionId is your stable id for the connection (e.g. the tenant); tokens are stored under it.
    var acme = LedgerConnection.Create(clientId: "acme-app", clientSecret: "acme-secret", connectionId: "acme", options: options);
    var globex = LedgerConnection.Create(clientId: "globex-app", clientSecret: "globex-secret", connectionId: "globex", options: options);
    Console.WriteLine($"  acme:   {acme}");
    Console.WriteLine($"          tokens stored under {acme.OAuth.StoreKey}, requested from {acme.OAuth.TokenEndpoint}");
    Console.WriteLine($"  globex: {globex}");
    Console.WriteLine($"          tokens stored under {globex.OAuth.StoreKey}, requested from {globex.OAuth.TokenEndpoint}");
    report.Check(
        !acme.ToString().Contains("acme-secret", StringComparison.Ordinal)
            && !globex.ToString().Contains("globex-secret", StringComparison.Ordinal),
        "connection.ToString() hides the client secret"
    );
    report.Check(
        acme.RateLimiter is not null && globex.RateLimiter is not null && !ReferenceEquals(acme.RateLimiter, globex.RateLimiter),
        "each connection has its own rate limiter"
    );
    Console.WriteLine(
        $"  rate limiters: one per connection ({(ReferenceEquals(acme.RateLimiter, globex.RateLimiter) ? "SHARED" : "distinct")}), so one customer's traffic never delays the other's."
    );

    using var acmeLedger = new LedgerClient(acme);
    using var globexLedger = new LedgerClient(globex);
    var tokenRequestsBefore = server.LedgerTokenRequests;
    var bearerSeen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal) { ["acme"] = [], ["globex"] = [] };
    for (var round = 1; round <= 2; round++)
    {
        foreach (var (name, ledger) in new[] { ("acme", acmeLedger), ("globex", globexLedger) })
        {
            report.Call($"{name}Ledger.GetBalanceAsync()   // call {round} on the {name} connection");
            var before = server.Seen.Count;
            var balance = await ledger.GetBalanceAsync();
            foreach (var seen in server.Seen.Skip(before))
            {
                report.ServerSaw(seen, showBody: seen.Method == "POST");
                if (seen.PathAndQuery.EndsWith("/balance", StringComparison.Ordinal) && seen.AuthValue is not null)
                {
                    bearerSeen[name].Add(seen.AuthValue);
                }
            }

            report.Returned(
                $"customer={balance.Customer} balance={balance.Balance.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)}"
            );
            report.Check(
                balance.Customer == name && balance.Balance == LocalApiServer.LedgerClients[name + "-app"].Balance,
                $"the {name} connection sees {name}'s balance"
            );
        }
    }

    var tokenRequests = server.LedgerTokenRequests - tokenRequestsBefore;
    var acmeToken = (await acme.OAuth.GetTokenAsync())?.AccessToken;
    var globexToken = (await globex.OAuth.GetTokenAsync())?.AccessToken;
    Console.WriteLine();
    Console.WriteLine(
        $"  token endpoint: {tokenRequests} token requests for 4 calls (one per connection; the second call reused the cached token)"
    );
    Console.WriteLine($"  acme token:   {await acme.OAuth.GetTokenAsync()}");
    Console.WriteLine($"  globex token: {await globex.OAuth.GetTokenAsync()}");
    report.Check(tokenRequests == 2, "2 token requests in all, not 4: each token is cached and reused");
    report.Check(acmeToken is not null && globexToken is not null && acmeToken != globexToken, "each connection got its own access token");
    report.Check(
        acmeToken is not null
            && server.LedgerTokens.GetValueOrDefault(acmeToken) == "acme"
            && globexToken is not null
            && server.LedgerTokens.GetValueOrDefault(globexToken) == "globex",
        "each token was issued to its own customer's client"
    );
    report.Check(bearerSeen["acme"].Count == 1 && bearerSeen["globex"].Count == 1, "both calls of a connection sent the same bearer token");
    report.Check(
        acmeToken is not null && !$"{await acme.OAuth.GetTokenAsync()}".Contains(acmeToken, StringComparison.Ordinal),
        "OAuthToken.ToString() hides the access token"
    );

    Console.WriteLine();
    Console.WriteLine("  A wrong client secret: the token endpoint answers 401 invalid_client, the call throws OAuthException.");
    using (
        var wrong = new LedgerClient(
            LedgerConnection.Create(clientId: "acme-app", clientSecret: "not-the-secret", connectionId: "acme-wrong", options: options)
        )
    )
    {
        report.Call("wrongSecret.GetBalanceAsync()");
        try
        {
            await wrong.GetBalanceAsync();
            report.Fail("a wrong client secret was accepted");
        }
        catch (OAuthException ex)
        {
            report.ServerSaw();
            report.Returned($"{ex.GetType().Name}: error={ex.Error}, {ex.Message}");
            report.Check(
                ex.Error == "invalid_client" && !ex.ToString().Contains("not-the-secret", StringComparison.Ordinal),
                "a refused client gets invalid_client, and the exception does not show the secret"
            );
        }
    }
}

/// <summary>Prints calls and what the server saw, and counts checks that did not hold.</summary>
internal sealed class Report(Stopwatch clock)
{
    public LocalApiServer? Server { get; set; }

    public int Failures { get; private set; }

    public TimeSpan Now => clock.Elapsed;

    public SeenRequest Last => Server!.Seen[^1];

    public void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine("== " + title + " ==");
    }

    public void Call(string code)
    {
        Console.WriteLine();
        Console.WriteLine("  " + code);
    }

    public void ServerSaw(bool showBody = false) => ServerSaw(Last, showBody);

    public void ServerSaw(SeenRequest seen, bool showBody = false)
    {
        Console.WriteLine($"    -> {seen.Method} {seen.PathAndQuery}");
        Console.WriteLine(
            $"       server saw {seen.AuthHeader}: {Mask(seen.AuthValue)} ({(seen.AuthValid ? "valid" : "wrong")}), answered {seen.Status}"
        );
        if (showBody)
        {
            Console.WriteLine($"       body: {seen.Body}");
        }
    }

    public void Returned(string text) => Console.WriteLine("    <- " + text);

    public void Check(bool condition, string what)
    {
        if (!condition)
        {
            Fail(what);
        }
    }

    public void Fail(string what)
    {
        Failures++;
        Console.WriteLine("    FAILED: " + what);
    }

    /// <summary>Shows a credential's scheme and first characters only.</summary>
    public static string Mask(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? value[..(space + 1)] : "";
        var secret = value[scheme.Length..];
        return scheme + (secret.Length <= 8 ? "****" : secret[..4] + "****");
    }
}
