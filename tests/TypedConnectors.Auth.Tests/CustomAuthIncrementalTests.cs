using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedConnectors.Testing;

namespace AuthTests;

/// <summary>The custom-auth discovery step keeps the pipeline incremental: only a change to what it finds re-emits.</summary>
public sealed class CustomAuthIncrementalTests
{
    private const string Connector = """
        {
          "format_version": 1,
          "name": "Vault",
          "base_url": "https://vault.example/v1",
          "auth": [ { "key": "hmac", "type": "custom" } ],
          "endpoints": [ { "name": "ping", "method": "get", "path": "/ping", "response_type": "text" } ]
        }
        """;

    private const string Implementation =
        "namespace User { public sealed class Signer : TestApp.Vault.IVaultCustomAuth { public System.Net.Http.DelegatingHandler CreateHmacHandler(TestApp.Vault.VaultConnection c) => BODY; } }";

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    private static GeneratorRunResult Result(GeneratorDriver driver) => Assert.Single(driver.GetRunResult().Results);

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void Editing_the_implementations_body_reemits_nothing_and_adding_one_clears_TC0040()
    {
        var tree = CSharpSyntaxTree.ParseText(Implementation.Replace("BODY", "throw null!", StringComparison.Ordinal), Parse, "User.cs");
        var compilation = GeneratorHarness.CreateCompilation("", withHttpClientFactory: false);
        var driver = GeneratorHarness.CreateDriver([new InputFile("/p/vault.connector.json", Connector)], "TestApp");

        driver = driver.RunGenerators(compilation);
        Assert.Contains(Result(driver).Diagnostics, d => d.Id == "TC0040");

        var withImplementation = compilation.AddSyntaxTrees(tree);
        driver = driver.RunGenerators(withImplementation);
        var added = Result(driver);
        Assert.DoesNotContain(added.Diagnostics, d => d.Id == "TC0040");
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(added, "CustomAuth"));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(added, "Emit"));

        var edited = withImplementation.ReplaceSyntaxTree(
            tree,
            CSharpSyntaxTree.ParseText(
                Implementation.Replace("BODY", "throw new System.NotSupportedException()", StringComparison.Ordinal),
                Parse,
                "User.cs"
            )
        );
        var result = Result(driver.RunGenerators(edited));
        Assert.All(
            Reasons(result, "CustomAuth"),
            r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString())
        );
        Assert.All(Reasons(result, "Emit"), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason)
        );
    }
}
