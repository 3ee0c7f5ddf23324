using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi.Reader;
using TypedConnectors.Generator.Diagnostics;
using OpenApiReadResult = Microsoft.OpenApi.Reader.ReadResult;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Runs Microsoft.OpenApi's reader and validation rules over the document and reports what they find as located warnings.
/// </summary>
/// <remarks>
/// Microsoft.OpenApi is strict with real documents (schema names outside its pattern, discriminators not listed as
/// required, missing info fields) that are still perfectly usable, so its errors are warnings here; and where it throws
/// (an invalid boolean, an unknown collectionFormat), the client is still generated from TypedConnectors' own reading.
/// Its JSON pointers refer to its OpenAPI 3 model, so 2.0 pointers are mapped back to where 2.0 writes those things.
/// </remarks>
internal static class MicrosoftOpenApiCheck
{
    private static readonly Regex Quoted = new("'([^']{1,200})'", RegexOptions.CultureInvariant);

    private static readonly string[] BooleanKeys =
    {
        "required",
        "explode",
        "allowEmptyValue",
        "deprecated",
        "nullable",
        "readOnly",
        "writeOnly",
        "allowReserved",
        "uniqueItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "x-nullable",
    };

    private static readonly Dictionary<string, string[]> EnumKeys = new(StringComparer.Ordinal)
    {
        ["collectionFormat"] = new[] { "csv", "ssv", "tsv", "pipes", "multi" },
        ["style"] = new[] { "form", "simple", "label", "matrix", "spaceDelimited", "pipeDelimited", "deepObject" },
        ["in"] = new[] { "query", "header", "path", "cookie", "body", "formData" },
    };

    private static readonly (string From, string To)[] V2Pointers =
    {
        ("/components/schemas", "/definitions"),
        ("/components/securitySchemes", "/securityDefinitions"),
        ("/components/parameters", "/parameters"),
        ("/components/responses", "/responses"),
        ("/components", "/definitions"),
    };

    public static void Run(OpenApiContext context)
    {
        var document = context.Main;
        var node = DocJson.ToJsonNode(document.Root, context.CancellationToken);
        OpenApiReadResult result;
        try
        {
            var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
            result = new OpenApiJsonReader().Read(
                node!,
                new Uri("https://typedconnectors.invalid/" + Uri.EscapeDataString(DocumentPaths.FileName(document.Path))),
                settings
            );
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            var suspect = FindSuspect(document, document.Root, ex.Message, 0) ?? (DocNode)document.Root;
            context.Warn(
                document.File.Locate(suspect.Start, suspect == document.Root ? Math.Min(1, suspect.Length) : suspect.Length),
                "Microsoft.OpenApi cannot read this document ("
                    + ex.GetType().Name
                    + ": "
                    + ex.Message.Trim()
                    + "); the client is generated from TypedConnectors' own reading of it"
            );
            return;
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        var problems = (result.Diagnostic?.Errors ?? new List<Microsoft.OpenApi.OpenApiError>()).Concat(
            result.Diagnostic?.Warnings ?? new List<Microsoft.OpenApi.OpenApiError>()
        );
        foreach (var problem in problems)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var pointer = MapPointer(context, (problem.Pointer ?? "").TrimStart('#'));
            var message = (problem.Message ?? "").Trim();
            if (
                pointer.EndsWith("/$ref", StringComparison.Ordinal) && (ResolvesForUs(context, pointer) || ReportedBroken(context, pointer))
            )
            {
                // Microsoft.OpenApi resolves only references to components; TypedConnectors follows any JSON pointer.
                // One it cannot follow either already has its TC0033/TC0034 at the same place.
                continue;
            }

            var location = Locate(document, pointer, message);
            if (reported.Add(location.Start + "\0" + message))
            {
                context.Warn(location, message);
            }
        }
    }

    private static string MapPointer(OpenApiContext context, string pointer)
    {
        if (!context.IsV2)
        {
            return pointer;
        }

        foreach (var (from, to) in V2Pointers)
        {
            if (pointer == from || pointer.StartsWith(from + "/", StringComparison.Ordinal))
            {
                return to + pointer.Substring(from.Length);
            }
        }

        return pointer;
    }

    private static bool ReportedBroken(OpenApiContext context, string pointer) =>
        context.Main.ResolvePointer(pointer) is { } reference
        && context.BrokenReferences.Contains(
            context.Main.Path + "#" + reference.Start.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );

    private static bool ResolvesForUs(OpenApiContext context, string pointer)
    {
        var owner = pointer.Substring(0, pointer.Length - "/$ref".Length);
        var node = context.Main.ResolvePointer(owner);
        return node is DocObject && context.TryResolve(new Site(context.Main, node, owner), out _);
    }

    /// <summary>The pointed-at node; when the message quotes a key of it (or of a child), that key.</summary>
    private static LocationInfo Locate(ApiDocument document, string pointer, string message)
    {
        var node = document.Context.Resolve(pointer, out var property);
        if (node is DocObject obj)
        {
            foreach (Match match in Quoted.Matches(message))
            {
                var key = match.Groups[1].Value;
                var found =
                    document.Find(obj, key)
                    ?? obj.Properties.Select(p => p.Value is DocObject child ? document.Find(child, key) : null)
                        .FirstOrDefault(p => p is not null);
                if (found is { } name)
                {
                    return document.File.LocateName(name);
                }
            }
        }

        return property is { } written && node is DocObject or DocArray ? document.File.LocateName(written) : document.File.Locate(node);
    }

    /// <summary>Where an exception most likely comes from: a quoted value it names under a boolean key, or an invalid enum keyword.</summary>
    private static DocNode? FindSuspect(ApiDocument document, DocNode node, string message, int depth)
    {
        if (depth > ReadLimits.MaxDepth || node is not DocObject and not DocArray)
        {
            return null;
        }

        var quoted = Quoted.Matches(message).Cast<Match>().Select(m => m.Groups[1].Value).ToList();
        if (node is DocObject obj)
        {
            foreach (var property in obj.Properties)
            {
                if (property.Value is DocScalar scalar)
                {
                    if (
                        BooleanKeys.Contains(property.Name)
                        && scalar.Kind != ScalarKind.Boolean
                        && (quoted.Count == 0 || quoted.Contains(scalar.Text))
                    )
                    {
                        return scalar;
                    }

                    if (
                        EnumKeys.TryGetValue(property.Name, out var allowed)
                        && scalar.Kind == ScalarKind.String
                        && !allowed.Contains(scalar.Text)
                    )
                    {
                        return scalar;
                    }
                }
                else if (FindSuspect(document, property.Value, message, depth + 1) is { } found)
                {
                    return found;
                }
            }
        }
        else if (node is DocArray array)
        {
            foreach (var item in array.Items)
            {
                if (FindSuspect(document, item, message, depth + 1) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
