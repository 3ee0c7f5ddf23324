using AotSample;
using AotSample.Inventory;
using TypedConnectors;

// Native AOT: every call below goes through the generated client, whose JSON metadata the generator emitted (no
// reflection). The sample prints one line per call and exits 1 when anything did not behave as expected.
await using var server = await LocalServer.StartAsync();
var failures = 0;

void Check(string call, bool ok, string detail)
{
    Console.WriteLine((ok ? "[ok] " : "[FAILED] ") + call + ": " + detail);
    if (!ok)
    {
        failures++;
    }
}

var options = new ConnectorConnectionOptions { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}/inventory/v1/") };
using var inventory = new InventoryClient(InventoryConnection.Create(options));

var widget = await inventory.GetItemAsync(1);
Check(
    "GetItemAsync(1)",
    widget is { Id: 1, Name: "Widget", Status: Status.InStock, Price: 9.5, RestockOn: null }
        && widget.Tags is ["blue", "small"]
        && widget.AddedAt == new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero)
        && widget.Attributes?["color"] == "blue",
    $"{widget.Name} status={widget.Status} price={widget.Price} tags=[{string.Join(",", widget.Tags ?? [])}] added={widget.AddedAt:u}"
);

var gadget = await inventory.GetItemAsync(2);
Check("GetItemAsync(2)", gadget.Status == Status.Unknown, $"an unknown status reads as {gadget.Status}");

var page = await inventory.ListItemsAsync(status: Status.InStock, limit: 2);
Check("ListItemsAsync(in_stock, 2)", page is [{ Id: 1 }, { Id: 5 }], $"{page.Count} items: {string.Join(",", page.Select(i => i.Id))}");

var created = await inventory.CreateItemAsync(
    new NewItem
    {
        Name = "Gizmo \"XL\"",
        Status = Status.BackOrdered,
        Tags = ["new"],
        RestockOn = new DateOnly(2027, 1, 15),
    }
);
Check(
    "CreateItemAsync",
    created is { Id: 3, Name: "Gizmo \"XL\"", Status: Status.BackOrdered } && created.RestockOn == new DateOnly(2027, 1, 15),
    $"#{created.Id} {created.Name} status={created.Status} restock={created.RestockOn:yyyy-MM-dd}"
);

try
{
    await inventory.GetItemAsync(404);
    Check("GetItemAsync(404)", false, "no exception");
}
catch (ConnectorApiException<Problem> e)
{
    Check(
        "GetItemAsync(404)",
        e.StatusCode == 404 && e.Error is { Code: "not_found" },
        $"{e.StatusCode} {e.Error?.Code}: {e.Error?.Message}"
    );
}

try
{
    await inventory.CreateItemAsync(new NewItem { Name = "", Status = Status.InStock });
    Check("CreateItemAsync(no name)", false, "no exception");
}
catch (ConnectorApiException<Problem> e)
{
    Check("CreateItemAsync(no name)", e.StatusCode == 422 && e.Error is { Code: "invalid" }, $"{e.StatusCode} {e.Error?.Code}");
}

var sent = server.Seen.FirstOrDefault(s => s.StartsWith("POST", StringComparison.Ordinal)) ?? "";
Check(
    "request body",
    sent.Contains("\"status\":\"back_ordered\"", StringComparison.Ordinal)
        && sent.Contains("\"restock_on\":\"2027-01-15\"", StringComparison.Ordinal)
        && !sent.Contains("price", StringComparison.Ordinal),
    sent
);

Console.WriteLine(failures == 0 ? "all calls succeeded" : failures + " call(s) FAILED");
return failures == 0 ? 0 : 1;
