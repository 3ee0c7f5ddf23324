using System.Collections.Immutable;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// A connector file that names an OpenAPI document (<c>"openapi": "github.openapi.yaml"</c>) adds what OpenAPI cannot
/// say: auth fields and mutations, rate limits, max concurrency, a templated base URL, and which operations to generate
/// under which names. The document is read as it would be on its own; the connector file's values win.
/// </summary>
/// <remarks>
/// Overlay format, beside the connector file's usual keys (name, base_url, variables, auth, rate_limit, max_concurrency,
/// headers, endpoints, types):
/// <code>
/// "operations": {
///   "include": ["listPets", "pets*", "tag:store"],   // only these (operationId, * wildcard, or tag:name)
///   "exclude": ["deletePet"],                        // never these
///   "rename": { "listPets": "ListAllPets" }          // operationId → method name
/// }
/// </code>
/// An auth method whose "key" names a security scheme of the document refines that scheme (fields, mutations, header,
/// prefix, default); other auth methods are added.
/// </remarks>
internal static class OpenApiOverlay
{
    internal static readonly string[] OperationKeys = new[] { "include", "exclude", "rename" }
        .Concat(Features.OperationFeatures.OverlayKeys)
        .ToArray();

    public static ConnectorSpec? Apply(ConnectorSpec connector, DocContext context, DocObject root, List<ValidationUnit> toValidate)
    {
        var reference = connector.OpenApiReference!;
        var referenceNode = root.Get("openapi") ?? root;
        if (DocumentPaths.IsRemote(reference))
        {
            context.Report(
                DiagnosticDescriptors.UnresolvedReference,
                referenceNode,
                reference,
                "OpenAPI documents are never downloaded at build time; save it in the project, add it as an AdditionalFile and name it by relative path"
            );
            return null;
        }

        var path = DocumentPaths.Combine(context.File.Path, reference);
        if (context.Documents?.Find(path) is not { } text)
        {
            context.Report(DiagnosticDescriptors.ReferencedFileNotFound, referenceNode, reference);
            return null;
        }

        var documentRoot = DocTrees.Read(text.Path, text.Text, context.Diagnostics, context.CancellationToken, out var file);
        if (documentRoot is null)
        {
            return null;
        }

        var documentContext = new DocContext(file, documentRoot, context.Diagnostics, context.CancellationToken)
        {
            Documents = context.Documents,
            MicrosoftOpenApiValidation = context.MicrosoftOpenApiValidation,
        };
        if (documentRoot is not DocObject documentObject)
        {
            documentContext.Report(DiagnosticDescriptors.WrongRootType, documentRoot, "an " + documentRoot.KindName);
            return null;
        }

        var imported = OpenApiReader.Read(documentContext, documentObject, context.Documents);
        if (imported is null)
        {
            return null;
        }

        toValidate.Add(new ValidationUnit(imported, documentContext));

        var hasBaseUrl = root.Get("base_url") is not null;
        var operations = WithOverlayAuth(SelectOperations(imported.Operations, context, root), imported.AuthMethods, connector.AuthMethods);
        var types = imported.Types.ToList();
        foreach (var type in connector.Types)
        {
            if (types.Any(t => t.Name == type.Name))
            {
                context.Diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.OpenApiWarning,
                        context.Locate("/types/" + Pointer.Escape(type.Name), preferKey: true),
                        "type '" + type.Name + "' is also a schema of " + reference + "; the document's schema is used"
                    )
                );
                continue;
            }

            types.Add(type);
        }

        var variables = imported
            .Variables.Where(v => !connector.Variables.Any(c => c.Name == v.Name))
            .Concat(connector.Variables)
            .ToEquatableArray();
        var merged = imported with
        {
            Name = connector.Name,
            Slug = connector.Slug,
            DisplayName = connector.DisplayName ?? imported.DisplayName,
            Description = connector.Description ?? imported.Description,
            Domain = connector.Domain,
            IconUrl = connector.IconUrl,
            Visibility = connector.Visibility,
            Version = connector.Version ?? imported.Version,
            Kind = connector.Kind,
            Dialect = SourceDialect.Canonical,
            BaseUrl = hasBaseUrl ? connector.BaseUrl : imported.BaseUrl,
            BaseUrlPointer = connector.BaseUrlPointer,
            Variables = hasBaseUrl ? connector.Variables : variables,
            AuthMethods = MergeAuth(imported.AuthMethods, connector.AuthMethods),
            AccountFields = connector.AccountFields,
            RateLimit = connector.RateLimit,
            MaxConcurrency = connector.MaxConcurrency,
            DefaultHeaders = connector.DefaultHeaders,
            Operations = operations.Concat(connector.Operations).ToEquatableArray(),
            Types = types.OrderBy(t => t.Name, StringComparer.Ordinal).ToEquatableArray(),
            OpenApiReference = reference,
        };

        // The document's operations were validated in the document; here the connector file's own parts are.
        toValidate.Add(
            new ValidationUnit(
                merged with
                {
                    BaseUrl = hasBaseUrl ? merged.BaseUrl : "",
                    Variables = hasBaseUrl ? merged.Variables : connector.Variables,
                    AuthMethods = connector.AuthMethods,
                    Operations = connector.Operations,
                },
                context
            )
        );
        return merged;
    }

    /// <summary>
    /// Auth methods the connector file adds are how its author authenticates against the document's API, so every
    /// operation that requires a credential accepts them too; anonymous operations stay anonymous.
    /// </summary>
    private static IEnumerable<OperationSpec> WithOverlayAuth(
        IEnumerable<OperationSpec> operations,
        EquatableArray<AuthMethodSpec> imported,
        EquatableArray<AuthMethodSpec> overlay
    )
    {
        var added = overlay.Select(m => m.Key).Where(k => !imported.Any(m => m.Key == k)).ToList();
        return added.Count == 0
            ? operations
            : operations.Select(o =>
                o.AuthMethods.IsEmpty ? o : o with { AuthMethods = o.AuthMethods.Concat(added).Distinct().ToEquatableArray() }
            );
    }

    private static EquatableArray<AuthMethodSpec> MergeAuth(EquatableArray<AuthMethodSpec> imported, EquatableArray<AuthMethodSpec> overlay)
    {
        var result = imported.ToList();
        foreach (var method in overlay)
        {
            var index = result.FindIndex(m => m.Key == method.Key);
            if (index < 0)
            {
                result.Add(method);
                continue;
            }

            var original = result[index];
            var fields = method.Fields.IsEmpty ? original.Fields : method.Fields;
            var ownFields = !method.Fields.IsEmpty;
            result[index] = original with
            {
                Kind = method.Kind,
                DisplayName = method.DisplayName ?? original.DisplayName,
                Description = method.Description ?? original.Description,
                IsDefault = method.IsDefault || original.IsDefault,
                HeaderName = method.HeaderName ?? original.HeaderName,
                Prefix = method.Prefix ?? original.Prefix,
                Location = method.HeaderName is not null || method.ParameterName is not null ? method.Location : original.Location,
                ParameterName = method.ParameterName ?? original.ParameterName,
                UsernameField = ownFields ? method.UsernameField : original.UsernameField,
                PasswordField = ownFields ? method.PasswordField : original.PasswordField,
                TokenField = ownFields ? method.TokenField : original.TokenField,
                Fields = fields,
                Mutations = method.Mutations.IsEmpty ? original.Mutations : method.Mutations,
                OAuth = method.OAuth ?? original.OAuth,
                IsMcp = method.IsMcp,
                Pointer = method.Pointer,
            };
        }

        // A default chosen in the connector file replaces the document's preference.
        var chosen = overlay.FirstOrDefault(m => m.IsDefault)?.Key;
        if (chosen is not null)
        {
            for (var i = 0; i < result.Count; i++)
            {
                result[i] = result[i] with { IsDefault = result[i].Key == chosen };
            }
        }

        return result.ToEquatableArray();
    }

    private static IEnumerable<OperationSpec> SelectOperations(EquatableArray<OperationSpec> operations, DocContext context, DocObject root)
    {
        if (root.Get("operations") is not { } node)
        {
            return operations;
        }

        if (context.AsObject(node, "operations") is not { } overlay)
        {
            return operations;
        }

        context.CheckKeys(overlay, OperationKeys, "the operations overlay");
        var include = Patterns(context, overlay, "include", operations);
        var exclude = Patterns(context, overlay, "exclude", operations);
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Object(overlay, "rename") is { } rename)
        {
            foreach (var property in rename.Properties)
            {
                if (context.AsString(property.Value, property.Name) is not { Length: > 0 } newName)
                {
                    continue;
                }

                if (!operations.Any(o => o.Name == property.Name))
                {
                    context.ReportKey(
                        DiagnosticDescriptors.OpenApiWarning,
                        property,
                        "the document has no operation '" + property.Name + "' to rename" + Suggestion(property.Name, operations)
                    );
                    continue;
                }

                renames[property.Name] = newName;
            }
        }

        // Each operation-level feature's block per operationId (operations.pagination.<operationId>, ...).
        var blocks = new List<(Features.OperationFeature Feature, string Operation, DocNode Block, string Pointer)>();
        foreach (var feature in Features.OperationFeatures.All)
        {
            if (feature.OverlayKey is not { } key || context.Object(overlay, key) is not { } perOperation)
            {
                continue;
            }

            foreach (var property in perOperation.Properties)
            {
                if (!operations.Any(o => o.Name == property.Name))
                {
                    context.ReportKey(
                        DiagnosticDescriptors.OpenApiWarning,
                        property,
                        "the document has no operation '" + property.Name + "' for '" + key + "'" + Suggestion(property.Name, operations)
                    );
                    continue;
                }

                var pointer = "/operations/" + key + "/" + property.Name.Replace("~", "~0").Replace("/", "~1");
                blocks.Add((feature, property.Name, property.Value, pointer));
            }
        }

        OperationSpec WithBlocks(OperationSpec operation) =>
            blocks
                .Where(b => b.Operation == operation.Name)
                .Aggregate(operation, (op, b) => b.Feature.ReadOverlay(context, b.Block, b.Pointer, op));

        return operations
            .Select(WithBlocks)
            .Where(o => include is null || include.Any(p => p.IsMatch(o)))
            .Where(o => exclude is null || !exclude.Any(p => p.IsMatch(o)))
            .Select(o => renames.TryGetValue(o.Name, out var name) ? o with { Name = name } : o)
            .ToList();
    }

    private static List<OperationPattern>? Patterns(
        DocContext context,
        DocObject overlay,
        string key,
        EquatableArray<OperationSpec> operations
    )
    {
        if (context.Array(overlay, key) is not { } array)
        {
            return null;
        }

        var result = new List<OperationPattern>();
        foreach (var item in array.Items)
        {
            if (context.AsString(item, key + " item") is not { Length: > 0 } text)
            {
                continue;
            }

            var pattern = new OperationPattern(text);
            if (!operations.Any(pattern.IsMatch))
            {
                context.Report(
                    DiagnosticDescriptors.OpenApiWarning,
                    item,
                    "'"
                        + text
                        + "' matches no operation of the document"
                        + (text.StartsWith("tag:", StringComparison.Ordinal) ? "" : Suggestion(text, operations))
                );
            }

            result.Add(pattern);
        }

        return result;
    }

    private static string Suggestion(string name, EquatableArray<OperationSpec> operations) =>
        DocContext.Suggest(name, operations.Select(o => o.Name)) is { } suggestion ? "; did you mean '" + suggestion + "'?" : "";

    /// <summary>An operation name (operationId, or the synthesised one), with <c>*</c> wildcards, or <c>tag:name</c>.</summary>
    private sealed class OperationPattern
    {
        private readonly string? _tag;
        private readonly Regex? _name;

        public OperationPattern(string text)
        {
            if (text.StartsWith("tag:", StringComparison.Ordinal))
            {
                _tag = text.Substring(4);
            }
            else
            {
                _name = new Regex(
                    "^" + Regex.Escape(text).Replace("\\*", ".*") + "$",
                    RegexOptions.CultureInvariant,
                    TimeSpan.FromSeconds(1)
                );
            }
        }

        public bool IsMatch(OperationSpec operation) =>
            _tag is not null ? string.Equals(operation.Group, _tag, StringComparison.Ordinal) : _name!.IsMatch(operation.Name);
    }
}
