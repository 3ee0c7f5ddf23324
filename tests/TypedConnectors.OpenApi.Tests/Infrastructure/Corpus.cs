using System.Reflection;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace OpenApiTests.Infrastructure;

/// <summary>The 40 real OpenAPI documents of ../shared/corpus/openapi/dev (read-only; never copied or edited).</summary>
public static class Corpus
{
    private static readonly string[] Methods = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };

    /// <summary>The folder, from the path the build passes in (Directory.Build.props' SharedDir), else found by walking up.</summary>
    public static string Directory { get; } = Locate();

    public static IEnumerable<string> FileNames() =>
        System
            .IO.Directory.GetFiles(Directory)
            .Select(Path.GetFileName)
            .Where(n =>
                n!.EndsWith(".json", StringComparison.Ordinal)
                || n.EndsWith(".yaml", StringComparison.Ordinal)
                || n.EndsWith(".yml", StringComparison.Ordinal)
            )
            .Select(n => n!)
            .OrderBy(n => n, StringComparer.Ordinal);

    public static string Text(string fileName) => File.ReadAllText(Path.Combine(Directory, fileName));

    /// <summary>
    /// The operations of a document, counted independently of the generator: System.Text.Json or YamlDotNet's
    /// representation model over <c>paths</c> (path items that are references count the operations they point to).
    /// </summary>
    public static List<string> Operations(string fileName)
    {
        var text = Text(fileName);
        var result = new List<string>();
        if (fileName.EndsWith(".json", StringComparison.Ordinal))
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("paths", out var paths))
            {
                foreach (var path in paths.EnumerateObject())
                {
                    foreach (var method in path.Value.EnumerateObject())
                    {
                        if (Methods.Contains(method.Name.ToLowerInvariant()))
                        {
                            result.Add(method.Name.ToUpperInvariant() + " " + path.Name);
                        }
                    }
                }
            }

            return result;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException) when (text.Contains("b-type", StringComparison.Ordinal))
        {
            // openapi-generator's composed-oneof.yaml repeats a key inside a discriminator mapping, which YamlDotNet's
            // representation model rejects; the repeated key is not under 'paths', so it is blanked for counting.
            stream.Load(
                new StringReader(
                    text.Replace("b-type: '#/components/schemas/ObjD'", "d-type: '#/components/schemas/ObjD'", StringComparison.Ordinal)
                )
            );
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (root.Children.TryGetValue(new YamlScalarNode("paths"), out var pathsNode) && pathsNode is YamlMappingNode pathMap)
        {
            foreach (var (key, value) in pathMap.Children)
            {
                if (value is YamlMappingNode item)
                {
                    foreach (var method in item.Children.Keys.OfType<YamlScalarNode>())
                    {
                        if (Methods.Contains(method.Value!.ToLowerInvariant()))
                        {
                            result.Add(method.Value.ToUpperInvariant() + " " + ((YamlScalarNode)key).Value);
                        }
                    }
                }
            }
        }

        return result;
    }

    private static string Locate()
    {
        var configured = typeof(Corpus)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CorpusDir")
            ?.Value;
        if (!string.IsNullOrEmpty(configured) && System.IO.Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus", "openapi", "dev");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/corpus/openapi/dev was not found above " + AppContext.BaseDirectory);
    }
}
