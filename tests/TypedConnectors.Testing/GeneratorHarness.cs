using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TypedConnectors.Generator;

namespace TypedConnectors.Testing;

/// <summary>An input file for a generator run: its path, text and optional AdditionalFiles item metadata.</summary>
public sealed record InputFile(string Path, string Text, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>What one generator run produced, and what compiling it gave.</summary>
public sealed record GeneratorRun(
    GeneratorDriver Driver,
    CSharpCompilation InputCompilation,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> Sources
)
{
    /// <summary>Errors and warnings from compiling the generated code (documentation warnings included).</summary>
    public ImmutableArray<Diagnostic> CompileDiagnostics =>
        OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>
    /// The public async operation methods of the generated clients and their operation groups (every class deriving
    /// from the runtime's ConnectorOperations), one per operation: the plain call, not its raw-response twin or its
    /// paging and streaming variants (see <see cref="DerivedMethods"/>).
    /// </summary>
    public List<IMethodSymbol> ClientMethods() => AllClientMethods().Where(m => !IsDerived(m)).ToList();

    /// <summary>
    /// The methods generated next to an operation's plain call: <c>…WithResponseAsync</c> (returning ConnectorResponse)
    /// and the paging and streaming variants (returning IAsyncEnumerable).
    /// </summary>
    public List<IMethodSymbol> DerivedMethods() => AllClientMethods().Where(IsDerived).ToList();

    private static bool IsDerived(IMethodSymbol method) =>
        method.ReturnType is INamedTypeSymbol returned
        && (
            returned.Name == "IAsyncEnumerable"
            || returned.TypeArguments.FirstOrDefault() is INamedTypeSymbol { Name: "ConnectorResponse" } argument
                && argument.ContainingNamespace.ToDisplayString() == "TypedConnectors"
        );

    private List<IMethodSymbol> AllClientMethods()
    {
        var clients = new List<INamedTypeSymbol>();
        foreach (var tree in OutputCompilation.SyntaxTrees)
        {
            var model = OutputCompilation.GetSemanticModel(tree);
            foreach (
                var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>()
            )
            {
                if (model.GetDeclaredSymbol(declaration) is INamedTypeSymbol type && IsOperations(type))
                {
                    clients.Add(type);
                }
            }
        }

        return clients
            .Distinct(SymbolEqualityComparer.Default)
            .Cast<INamedTypeSymbol>()
            .SelectMany(c => c.GetMembers().OfType<IMethodSymbol>())
            .Where(m =>
                m.DeclaredAccessibility == Accessibility.Public
                && m.MethodKind == MethodKind.Ordinary
                && !m.IsStatic
                && m.Parameters.LastOrDefault()?.Type.Name == "CancellationToken"
            )
            .ToList();
    }

    private static bool IsOperations(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.Name == "ConnectorOperations" && current.ContainingNamespace?.ToDisplayString() == "TypedConnectors")
            {
                return true;
            }
        }

        return false;
    }

    public string Source(string hintNameContains) =>
        Sources.Single(s => s.HintName.Contains(hintNameContains, StringComparison.Ordinal)).SourceText.ToString();

    public string AllSources =>
        string.Join(
            "\n",
            Sources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => "// ==== " + s.HintName + "\n" + s.SourceText)
        );
}

/// <summary>Runs <see cref="ConnectorGenerator"/> through CSharpGeneratorDriver and compiles the result.</summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Framework, runtime library and (optionally) Microsoft.Extensions.Http references.</summary>
    public static ImmutableArray<MetadataReference> BaseReferences(bool withHttpClientFactory) =>
        withHttpClientFactory
            ? References.Value
            : References
                .Value.Where(r =>
                    !(r.Display ?? "").Contains("Microsoft.Extensions.Http", StringComparison.Ordinal)
                    && !(r.Display ?? "").Contains("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal)
                )
                .ToImmutableArray();

    public static GeneratorRun Run(
        IEnumerable<InputFile> files,
        string rootNamespace = "TestApp",
        bool withHttpClientFactory = false,
        string userSource = "",
        IEnumerable<IIncrementalGenerator>? extraGenerators = null
    )
    {
        var compilation = CreateCompilation(userSource, withHttpClientFactory);
        var driver = CreateDriver(files, rootNamespace);
        return RunDriver(driver, compilation);
    }

    public static CSharpCompilation CreateCompilation(string userSource, bool withHttpClientFactory)
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose);
        var trees = string.IsNullOrEmpty(userSource)
            ? Array.Empty<SyntaxTree>()
            : new[] { CSharpSyntaxTree.ParseText(userSource, parse, "User.cs") };
        return CSharpCompilation.Create(
            "GeneratedConnectors",
            trees,
            BaseReferences(withHttpClientFactory),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true
            ).WithSpecificDiagnosticOptions(
                new Dictionary<string, ReportDiagnostic>
                {
                    // Assembly-level noise from the in-memory references, not from generated code.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }
            )
        );
    }

    public static GeneratorDriver CreateDriver(IEnumerable<InputFile> files, string rootNamespace = "TestApp") =>
        CreateDriver(files, rootNamespace, out _);

    /// <summary>Creates a driver and hands out its AdditionalTexts, for tests that replace one of them.</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<InputFile> files, string rootNamespace, out ImmutableArray<AdditionalText> texts)
    {
        var list = files.ToList();
        texts = list.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();
        var options = new TestOptionsProvider(rootNamespace, list);
        return CSharpGeneratorDriver.Create(
            new[] { new ConnectorGenerator().AsSourceGenerator() },
            texts,
            new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose),
            options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true)
        );
    }

    public static GeneratorRun RunDriver(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray();
        return new GeneratorRun(
            driver,
            compilation,
            output,
            diagnostics.AddRange(result.Diagnostics).Distinct().ToImmutableArray(),
            sources
        );
    }

    /// <summary>Emits the output compilation and loads it, for tests that call generated clients through reflection.</summary>
    public static Assembly Load(GeneratorRun run)
    {
        using var stream = new MemoryStream();
        var emit = run.OutputCompilation.Emit(stream);
        if (!emit.Success)
        {
            throw new InvalidOperationException(
                "Generated code does not compile:\n"
                    + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            );
        }

        stream.Position = 0;
        // Every run compiles an assembly of the same name; a context of its own per run lets a process load many.
        // Its dependencies (the runtime library, the framework) still resolve from the default context.
        var context = new System.Runtime.Loader.AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"));
        return context.LoadFromStream(stream);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(
            Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries
        );
        var extra = new[]
        {
            typeof(TypedConnectors.ConnectorRequest).Assembly.Location,
            typeof(Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions).Assembly.Location,
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location,
            typeof(Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions).Assembly.Location,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location,
        };
        // The test host's own assemblies are on the TPA list too; generated code must not see them.
        return tpa.Where(p => !Path.GetFileName(p).StartsWith("TypedConnectors.", StringComparison.Ordinal))
            .Concat(extra)
            .Where(p => p.Length > 0 && File.Exists(p))
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    /// <summary>An AdditionalText held in memory.</summary>
    public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
