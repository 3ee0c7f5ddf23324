using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TypedConnectors.Generator;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Testing;

namespace TypedConnectors.Generator.Tests;

public class IncrementalTests
{
    private static readonly string[] PerFileSteps = { TrackingNames.Inputs, TrackingNames.Parse, TrackingNames.Emit };

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params InputFile[] files) => FirstRun(files, out _);

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(
        InputFile[] files,
        out System.Collections.Immutable.ImmutableArray<AdditionalText> texts
    )
    {
        var compilation = GeneratorHarness.CreateCompilation("namespace User { public class A { } }", withHttpClientFactory: false);
        var driver = GeneratorHarness.CreateDriver(files, "TestApp", out texts).RunGenerators(compilation);
        return (driver, compilation);
    }

    private static GeneratorRunResult Result(GeneratorDriver driver) => Assert.Single(driver.GetRunResult().Results);

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);

    [Fact]
    public void Every_step_has_a_tracking_name()
    {
        var (driver, _) = FirstRun(TestFiles.Connector("acme.connector.json"));
        var tracked = Result(driver).TrackedSteps.Keys.ToHashSet();
        foreach (
            var name in typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)
        )
        {
            Assert.Contains(name, tracked);
        }
    }

    [Fact]
    public void Unrelated_csharp_edit_leaves_every_output_cached()
    {
        var (driver, compilation) = FirstRun(TestFiles.Connector("acme.connector.json"), SecondConnector());
        var edited = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(
                "namespace User { public class B { public int X => 1; } }",
                new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose)
            )
        );

        var result = Result(driver.RunGenerators(edited));

        foreach (var step in PerFileSteps.Append(TrackingNames.Names))
        {
            Assert.All(Outputs(result, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(
            Outputs(result, TrackingNames.Settings),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)
        );
        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason)
        );
    }

    [Fact]
    public void Editing_one_connector_reemits_only_that_connector()
    {
        var acme = TestFiles.Connector("acme.connector.json");
        var other = SecondConnector();
        var (driver, compilation) = FirstRun(new[] { acme, other }, out var texts);
        Assert.Equal(2, Result(driver).TrackedSteps[TrackingNames.Inputs].Length);

        var edited = new GeneratorHarness.InMemoryAdditionalText(
            other.Path,
            other.Text.Replace("Looks up a thing.", "Looks up a thing by id.", StringComparison.Ordinal)
        );
        driver = driver.ReplaceAdditionalText(texts.Single(t => t.Path == other.Path), edited);
        var result = Result(driver.RunGenerators(compilation));

        var parse = Outputs(result, TrackingNames.Parse).ToList();
        Assert.Single(parse, o => o.Reason == IncrementalStepRunReason.Modified && ((ReadResult)o.Value).Path == other.Path);
        Assert.Single(parse, o => o.Reason == IncrementalStepRunReason.Cached && ((ReadResult)o.Value).Path == acme.Path);
        var emit = Outputs(result, TrackingNames.Emit).ToList();
        Assert.Single(emit, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(emit, o => o.Reason == IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Models_hold_no_compiler_objects()
    {
        var forbidden = new[]
        {
            typeof(ISymbol),
            typeof(Compilation),
            typeof(SyntaxNode),
            typeof(Location),
            typeof(Diagnostic),
            typeof(SyntaxTree),
            typeof(SemanticModel),
            typeof(AdditionalText),
        };
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(
            new[] { typeof(ReadResult), typeof(EmitResult), typeof(ConnectorInput), typeof(GeneratorSettings), typeof(ClientNameEntry) }
        );
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
            {
                continue;
            }

            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes)
            {
                queue.Enqueue(argument);
            }

            if (type.Namespace?.StartsWith("TypedConnectors", StringComparison.Ordinal) != true)
            {
                continue;
            }

            // Records with value equality, or EquatableArray: anything else would defeat caching.
            Assert.True(
                type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>)),
                type.FullName + " is not equatable"
            );
            foreach (
                var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.GetIndexParameters().Length == 0)
            )
            {
                queue.Enqueue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            }
        }

        Assert.Contains(typeof(OperationSpec), seen);
        Assert.Contains(typeof(TypeRef), seen);
    }

    [Fact]
    public void Same_input_gives_equal_models()
    {
        var settings = new GeneratorSettings("App", false, false);
        var file = TestFiles.Connector("acme.connector.json");
        var input = new ConnectorInput(file.Path, file.Text, null, null, null);

        var first = ConnectorPipeline.Run(input, settings, CancellationToken.None);
        var second = ConnectorPipeline.Run(input with { Text = new string(file.Text.ToCharArray()) }, settings, CancellationToken.None);

        Assert.NotNull(first.Spec);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    private static InputFile SecondConnector() =>
        new(
            "/project/things.connector.json",
            """
            {
              "name": "Things",
              "base_url": "https://things.example.com",
              "auth": [ { "type": "bearer", "fields": [ { "field_name": "token", "input_type": "password" } ] } ],
              "endpoints": [ { "name": "get_thing", "description": "Looks up a thing.", "method": "get", "path": "/things/{id}", "parameters": [ { "name": "id", "in": "path" } ], "response": {} } ]
            }
            """
        );
}
