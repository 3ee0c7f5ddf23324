using System.Reflection;
using TypedConnectors.Testing;

namespace TypedConnectors.Generator.Tests;

/// <summary>Idempotency keys and vendor rate-limit headers declared in connector files reach the generated client and the wire.</summary>
public class ResilienceDeclarationTests
{
    private const string Shop = """
        {
          "format_version": 1,
          "name": "Shop",
          "slug": "shop",
          "base_url": "https://shop.example/v1",
          "idempotency_key_header": "Idempotency-Key",
          "rate_limit_headers": { "remaining": "X-Calls-Left", "reset": "X-Calls-Reset-In" },
          "endpoints": [
            { "name": "create_order", "method": "post", "path": "/orders", "parameters": [ { "name": "qty", "in": "body", "type": "integer" } ] },
            { "name": "list_orders", "method": "get", "path": "/orders" }
          ]
        }
        """;

    private const string Payments = """
        openapi: 3.0.3
        info: { title: Payments, version: "1" }
        servers: [ { url: "https://pay.example" } ]
        paths:
          /charges:
            post:
              operationId: createCharge
              parameters:
                - { name: Idempotency-Key, in: header, schema: { type: string } }
              responses: { "204": { description: done } }
            get:
              operationId: listCharges
              responses: { "204": { description: done } }
        """;

    private const string Scenario = """
        namespace TestApp
        {
            /// <summary>Calls of the generated clients.</summary>
            public static class Scenario
            {
                /// <summary>Creates an order.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <returns>When done.</returns>
                public static System.Threading.Tasks.Task Order(System.Uri baseAddress) =>
                    new TestApp.Shop.ShopClient(TestApp.Shop.ShopConnection.Create(new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress, RetryBaseDelay = System.TimeSpan.Zero }))
                        .CreateOrderAsync(qty: 2);

                /// <summary>Creates a charge.</summary>
                /// <param name="baseAddress">The server.</param>
                /// <param name="key">The idempotency key.</param>
                /// <returns>When done.</returns>
                public static System.Threading.Tasks.Task Charge(System.Uri baseAddress, string key) =>
                    new TestApp.Payments.PaymentsClient(TestApp.Payments.PaymentsConnection.Create(new TypedConnectors.ConnectorConnectionOptions { BaseAddress = baseAddress, RetryBaseDelay = System.TimeSpan.Zero }))
                        .CreateChargeAsync(idempotencyKey: key);
            }
        }
        """;

    private static GeneratorRun Run(string userSource = "") =>
        GeneratorHarness.Run(
            new[] { new InputFile("/p/shop.connector.json", Shop), new InputFile("/p/payments.openapi.yaml", Payments) },
            userSource: userSource
        );

    [Fact]
    public void The_declared_key_header_goes_on_post_operations_and_the_vendor_headers_on_the_client()
    {
        var run = Run();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var shop = run.Source("ShopClient.Client");
        Assert.Contains(
            "new global::TypedConnectors.ConnectorRequest(\"POST\", \"/orders\") { OperationId = \"create_order\", IdempotencyKeyHeader = \"Idempotency-Key\", ",
            shop,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "new global::TypedConnectors.ConnectorRequest(\"GET\", \"/orders\") { OperationId = \"list_orders\", ",
            shop,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("OperationId = \"list_orders\", IdempotencyKeyHeader", shop, StringComparison.Ordinal);
        Assert.Contains(
            "[global::TypedConnectors.RateLimitHeaders(\"X-Calls-Left\", \"X-Calls-Reset-In\")]",
            shop,
            StringComparison.Ordinal
        );

        var payments = run.Source("PaymentsClient.Client");
        Assert.Contains(
            "{ OperationId = \"createCharge\", IdempotencyKeyHeader = \"Idempotency-Key\", ",
            payments,
            StringComparison.Ordinal
        );
        Assert.Contains("{ OperationId = \"listCharges\", ", payments, StringComparison.Ordinal);
        Assert.DoesNotContain("OperationId = \"listCharges\", IdempotencyKeyHeader", payments, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generated_post_with_a_declared_key_is_retried_with_one_generated_key()
    {
        var run = Run(Scenario);
        Assert.True(run.CompileDiagnostics.IsEmpty, string.Join("\n", run.CompileDiagnostics));
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 502 : 204;
                return Task.CompletedTask;
            }
        );
        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!;

        await (Task)
            scenario.GetMethod("Order", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new object[] { server.BaseAddress })!;

        var keys = server.Requests.Select(r => r.Header("Idempotency-Key")).ToList();
        Assert.Equal(2, keys.Count);
        Assert.True(Guid.TryParse(keys[0], out _));
        Assert.Equal(keys[0], keys[1]);
    }

    [Fact]
    public async Task An_openapi_idempotency_key_parameter_given_by_the_caller_is_kept_across_retries()
    {
        var run = Run(Scenario);
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(
            (context, _) =>
            {
                context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 204;
                return Task.CompletedTask;
            }
        );
        var scenario = GeneratorHarness.Load(run).GetType("TestApp.Scenario")!;

        await (Task)
            scenario
                .GetMethod("Charge", BindingFlags.Public | BindingFlags.Static)!
                .Invoke(null, new object[] { server.BaseAddress, "charge-7" })!;

        Assert.Equal(["charge-7", "charge-7"], server.Requests.Select(r => r.Header("Idempotency-Key")));
    }
}
