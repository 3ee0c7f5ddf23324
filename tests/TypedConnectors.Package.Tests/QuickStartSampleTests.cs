using TypedConnectors.Package.Tests.Infrastructure;

namespace TypedConnectors.Package.Tests;

/// <summary>The README's first command: the QuickStart sample calls every generated method and exits 0.</summary>
[Trait("Category", "Package")]
public sealed class QuickStartSampleTests
{
    [Fact]
    public async Task QuickStart_CallsEveryGeneratedMethodAndSucceeds()
    {
        // Built by this project's reference to it, in the same configuration.
        var dll = Path.Combine(Dotnet.RepoRoot, "samples", "QuickStart", "bin", Dotnet.Configuration, "net10.0", "QuickStart.dll");
        Assert.True(File.Exists(dll), "the sample was not built at " + dll);

        var run = await Dotnet.RunAsync(Path.GetDirectoryName(dll)!, TimeSpan.FromMinutes(1), dll);

        Assert.True(run.ExitCode == 0, "the sample failed: " + run);
        Assert.DoesNotContain("FAILED", run.Output, StringComparison.Ordinal);
        Assert.Contains("every generated method was called and behaved as expected", run.Output, StringComparison.Ordinal);
        foreach (
            var method in new[]
            {
                "GetTicketAsync",
                "ListTicketsAsync",
                "GetForecastAsync",
                "GetAlertsAsync",
                "CreateNoteAsync",
                "AddContactAsync",
                "GetBalanceAsync",
            }
        )
        {
            Assert.Contains(method, run.Output, StringComparison.Ordinal);
        }

        // Secrets are masked in what the sample prints.
        Assert.DoesNotContain("hd_live_4f2a9c1e", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wx_demo_71d3b0aa", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("nt_9b8e6d5c4b3a2f10", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("acme-secret", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("globex-secret", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", run.Output, StringComparison.Ordinal);
        Assert.Contains("-> 429", run.Output, StringComparison.Ordinal);

        // OAuth client credentials: two connections to the ledger, one token request each, each customer's own balance.
        Assert.Contains("2 token requests for 4 calls", run.Output, StringComparison.Ordinal);
        Assert.Contains("customer=acme balance=12,345.67", run.Output, StringComparison.Ordinal);
        Assert.Contains("customer=globex balance=987,654.32", run.Output, StringComparison.Ordinal);
        Assert.Contains("error=invalid_client", run.Output, StringComparison.Ordinal);
    }
}
