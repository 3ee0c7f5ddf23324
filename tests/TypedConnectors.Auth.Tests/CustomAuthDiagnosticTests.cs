using Microsoft.CodeAnalysis;
using TypedConnectors.Testing;

namespace AuthTests;

/// <summary>TC0040: a connector that asks for custom auth fails the build until the project implements the generated interface.</summary>
public sealed class CustomAuthDiagnosticTests
{
    private static readonly InputFile Vault = new(
        "/project/vault.connector.json",
        """
        {
          "format_version": 1,
          "name": "Vault",
          "base_url": "https://vault.example/v1",
          "auth": [
            { "key": "hmac", "type": "custom", "fields": [ { "field_name": "secret", "input_type": "password" } ] },
            { "key": "bearer", "type": "bearer", "default": true, "fields": [ { "field_name": "token", "input_type": "password" } ] }
          ],
          "endpoints": [ { "name": "ping", "method": "get", "path": "/ping", "response_type": "text" } ]
        }
        """
    );

    // The user sources below skip XML docs; only the generated code has to be warning-free.
    private static IEnumerable<string> GeneratedCodeDiagnostics(GeneratorRun run) =>
        run.CompileDiagnostics.Where(d => d.Location.SourceTree?.FilePath != "User.cs").Select(d => d.ToString());

    private static GeneratorRun Run(string userSource = "") =>
        GeneratorHarness.Run([Vault], "TestApp", withHttpClientFactory: true, userSource: userSource);

    [Fact]
    public void Custom_auth_without_an_implementation_is_a_build_error_naming_the_interface()
    {
        var run = Run();

        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "TC0040");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(
            "Connector 'Vault' uses custom auth method 'hmac', but the project has no class implementing TestApp.Vault.IVaultCustomAuth",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)
        );
        // At the method's "type" (line 6 of the file, 0-based 5), not at the top of the file.
        var span = error.Location.GetLineSpan();
        Assert.Equal("/project/vault.connector.json", span.Path);
        Assert.Equal(5, span.StartLinePosition.Line);
        Assert.Equal(
            "\"custom\"",
            Vault
                .Text.Split('\n')[5]
                .Substring(span.StartLinePosition.Character, span.EndLinePosition.Character - span.StartLinePosition.Character)
        );

        // The interface is still generated, so the IDE shows what to implement; the code itself compiles.
        Assert.Contains("public partial interface IVaultCustomAuth", run.Source("Vault"), StringComparison.Ordinal);
        Assert.Empty(run.CompileDiagnostics);
    }

    [Theory]
    [InlineData(
        "using TestApp.Vault; namespace User; public sealed class Signer : IVaultCustomAuth { public System.Net.Http.DelegatingHandler CreateHmacHandler(VaultConnection connection) => throw null!; }"
    )]
    [InlineData(
        "namespace User; internal sealed class Signer : TestApp.Vault.IVaultCustomAuth { public System.Net.Http.DelegatingHandler CreateHmacHandler(TestApp.Vault.VaultConnection connection) => throw null!; }"
    )]
    [InlineData(
        "namespace User; public sealed record Signer : global::TestApp.Vault.IVaultCustomAuth { public System.Net.Http.DelegatingHandler CreateHmacHandler(TestApp.Vault.VaultConnection connection) => throw null!; }"
    )]
    public void An_implementation_removes_the_error_and_is_wired_into_the_factory_and_DI(string userSource)
    {
        var run = Run(userSource);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "TC0040");
        Assert.Empty(GeneratedCodeDiagnostics(run));
        var source = run.Source("Vault");
        Assert.Contains("new __CustomAuthFactory(customAuth ?? new global::User.Signer())", source, StringComparison.Ordinal);
        Assert.Contains("TryAddSingleton<IVaultCustomAuth, global::User.Signer>(services)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void An_implementation_of_another_connectors_interface_does_not_count()
    {
        // Same simple name, but qualified with a namespace the generated interface does not live in.
        var run = Run(
            """
            namespace Other { public interface IVaultCustomAuth { } }
            namespace User { public sealed class Signer : Other.IVaultCustomAuth { } }
            """
        );

        Assert.Single(run.GeneratorDiagnostics, d => d.Id == "TC0040");
    }

    [Fact]
    public void An_implementation_without_a_parameterless_constructor_must_be_passed_to_the_factory()
    {
        var run = Run(
            "namespace User; public sealed class Signer(string key) : TestApp.Vault.IVaultCustomAuth { public System.Net.Http.DelegatingHandler CreateHmacHandler(TestApp.Vault.VaultConnection connection) => throw new System.NotSupportedException(key); }"
        );

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "TC0040");
        Assert.Empty(GeneratedCodeDiagnostics(run));
        var source = run.Source("Vault");
        Assert.Contains(
            "customAuth ?? throw new global::System.ArgumentNullException(nameof(customAuth)",
            source,
            StringComparison.Ordinal
        );
        Assert.Contains("TryAddSingleton<IVaultCustomAuth, global::User.Signer>(services)", source, StringComparison.Ordinal);
    }
}
