using System.Text.Json.Nodes;
using TypedConnectors.Generator.Auth;

namespace TypedConnectors.Generator.Tests;

/// <summary>The generator's auth-kind registry: one descriptor per kind, and the schema lists exactly their <c>type</c> values.</summary>
public sealed class AuthKindsTests
{
    [Fact]
    public void Every_auth_kind_has_exactly_one_descriptor()
    {
        var kinds = Enum.GetValues(typeof(TypedConnectors.Generator.Model.AuthKind))
            .Cast<TypedConnectors.Generator.Model.AuthKind>()
            .ToList();
        foreach (var kind in kinds)
        {
            Assert.Single(AuthKinds.All, d => d.Kind == kind);
        }

        Assert.Equal(kinds.Count, AuthKinds.All.Length);
    }

    [Fact]
    public void The_schema_lists_the_type_value_of_every_descriptor()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "connector.schema.json")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "connector.schema.json")))!;
        var values = schema
            .AsObject()
            .DescendantsNamed("type")
            .Select(t => t["enum"]?.AsArray().Select(v => v!.GetValue<string>()).ToList())
            .Single(e => e is not null && e.Contains("oauth2"))!;
        Assert.Equal(AuthKinds.All.Select(d => d.Name), values);
    }
}

internal static class JsonNodeSearch
{
    /// <summary>Every object-valued property of this name anywhere below <paramref name="node"/>.</summary>
    public static IEnumerable<JsonObject> DescendantsNamed(this JsonNode? node, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == name && value is JsonObject match)
                    {
                        yield return match;
                    }

                    foreach (var inner in value.DescendantsNamed(name))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var inner in item.DescendantsNamed(name))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}
