using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Maps the paths of a document to operations: parameters, request bodies, responses and errors.</summary>
internal sealed partial class OpenApiOperations
{
    internal static readonly string[] Methods = { "get", "put", "post", "delete", "options", "head", "patch", "trace" };

    private static readonly Regex PathPlaceholder = TemplateSyntax.PathParameter;
    private static readonly string[] IgnoredHeaders = { "Accept", "Content-Type", "Authorization" };

    private readonly OpenApiContext _context;
    private readonly OpenApiSchemas _schemas;
    private readonly OpenApiConnection _connection;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _securitySchemes;

    public OpenApiOperations(
        OpenApiContext context,
        OpenApiSchemas schemas,
        OpenApiConnection connection,
        IEnumerable<string> securitySchemes
    )
    {
        _context = context;
        _schemas = schemas;
        _connection = connection;
        _securitySchemes = new HashSet<string>(securitySchemes, StringComparer.Ordinal);
    }

    private ApiDocument Document => _context.Main;

    public ImmutableArray<OperationSpec> Read()
    {
        var operations = ImmutableArray.CreateBuilder<OperationSpec>();
        var root = new Site(Document, Document.Root, "");
        if (root.Child("paths") is not { } pathsSite)
        {
            _context.Warn(Document, Document.Root, "the document has no 'paths'; the client has no operations");
            return operations.ToImmutable();
        }

        if (pathsSite.Node is not DocObject paths)
        {
            _context.Warn(Document, pathsSite.Node, "'paths' must be an object");
            return operations.ToImmutable();
        }

        foreach (var pathProperty in paths.Properties)
        {
            if (pathProperty.Name.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            var pathItemSite = pathsSite.Child(pathProperty.Name)!.Value;
            if (!_context.TryResolve(pathItemSite, out var item) || item.Node is not DocObject pathItem)
            {
                continue;
            }

            var pathLevel = item.Child("parameters");
            foreach (var property in pathItem.Properties)
            {
                var method = property.Name.ToLowerInvariant();
                if (!Methods.Contains(method))
                {
                    continue;
                }

                _context.CancellationToken.ThrowIfCancellationRequested();
                var operationSite = item.Child(property.Name)!.Value;
                if (operationSite.Node is not DocObject)
                {
                    _context.Warn(item.Document, operationSite.Node, "an operation must be an object");
                    continue;
                }

                // Point at the operation where it is written in this document, even when the path item is a reference.
                var located = OpenApiContext.IsReference(pathItemSite)
                    ? operationSite
                    : new Site(Document, operationSite.Node, Pointer.Of("paths", pathProperty.Name, property.Name));
                if (ReadOperation(pathProperty.Name, method.ToUpperInvariant(), located, pathLevel) is { } operation)
                {
                    operations.Add(operation);
                }
            }
        }

        if (Document.Get(Document.Root, "webhooks") is DocObject { Properties.Count: > 0 } webhooks)
        {
            _context.Unsupported(Document, webhooks, "webhooks (requests the API sends to you; no client methods are generated for them)");
        }

        return operations.ToImmutable();
    }

    private OperationSpec? ReadOperation(string path, string method, Site site, Site? pathLevelParameters)
    {
        var obj = (DocObject)site.Node;
        var document = site.Document;
        string? Text(string key) => document.Get(obj, key) is DocScalar { Kind: ScalarKind.String } s && s.Text.Length > 0 ? s.Text : null;

        var name = UniqueName(Text("operationId") ?? Synthesize(method, path), site);
        var typePrefix = Naming.ToPascal(name, "Operation");

        if (document.Get(obj, "callbacks") is DocObject { Properties.Count: > 0 } callbacks)
        {
            _context.Unsupported(document, callbacks, "callbacks (requests the API sends back to you)");
        }

        var fullPath = RequestTarget(path, site);
        if (
            site.Child("servers") is { Node: DocArray { Items.Count: > 0 } servers } serversSite
            && servers.Items[0] is DocObject server
            && document.Get(server, "url") is DocScalar { Kind: ScalarKind.String } serverUrl
            && (
                serverUrl.Text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || serverUrl.Text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            // An operation served elsewhere (an upload host, say) gets an absolute URL with the server's defaults written in.
            var (url, _) = _connection.Template(server, serverUrl.Text.Trim(), serversSite.Pointer + "/0", writeInDefaults: true);
            fullPath = url.TrimEnd('/') + "/" + fullPath.TrimStart('/');
        }

        var consumes = MediaTypes(obj, "consumes");
        var produces = MediaTypes(obj, "produces");
        var parameters = ReadParameters(site, pathLevelParameters, typePrefix, consumes, out var body, out var sites);
        if (!_context.IsV2 && site.Child("requestBody") is { } requestBodySite)
        {
            body = ReadRequestBody(requestBodySite, typePrefix, parameters);
        }

        fullPath = WithoutDeclaredQuery(fullPath, parameters);
        parameters = ReconcilePathParameters(fullPath, parameters, sites, site);
        var response = ReadResponses(site, typePrefix, produces);

        var tags = document.Get(obj, "tags") as DocArray;
        var group = tags?.Items.OfType<DocScalar>().Select(t => t.Text).FirstOrDefault(t => t.Length > 0);
        var auth = OperationAuth(document, obj);
        var operation = new OperationSpec
        {
            Name = name,
            Summary = Text("summary"),
            Description = Text("description"),
            Method = method,
            Path = fullPath,
            Parameters = parameters.ToEquatableArray(),
            Body = body,
            Response = response,
            Group = group,
            Deprecated = document.Get(obj, "deprecated") is DocScalar { Kind: ScalarKind.Boolean, Text: "true" },
            AuthMethods = auth.Methods,
            Anonymous = auth.Anonymous,
            AuthOptional = auth.Optional,
            UnsupportedAuth = auth.Unsupported,
            Pointer = site.Pointer,
        };
        return Features.OperationFeatures.ReadOpenApiOperation(FeatureSite(site, typePrefix), operation);
    }

    /// <summary>
    /// The operation's own <c>security</c>, or the document's when it has none: <c>[]</c> (or only empty requirements)
    /// is anonymous, an empty requirement <c>{}</c> among others makes the credential optional, and the schemes named
    /// are the ones accepted. No <c>security</c> anywhere leaves every method of the connector applicable.
    /// </summary>
    private (EquatableArray<string> Methods, bool Anonymous, bool Optional, EquatableArray<string> Unsupported) OperationAuth(
        ApiDocument document,
        DocObject operation
    ) =>
        document.Get(operation, "security") is DocArray
            ? RequiredAuth(operation)
            // Most operations declare none and inherit the document's: it is read once.
            : _documentAuth ??= RequiredAuth(Document.Root);

    private (EquatableArray<string> Methods, bool Anonymous, bool Optional, EquatableArray<string> Unsupported)? _documentAuth;

    /// <summary>The credential requirement of a <c>security</c> array's owner (an operation or the document).</summary>
    private (EquatableArray<string> Methods, bool Anonymous, bool Optional, EquatableArray<string> Unsupported) RequiredAuth(
        DocObject owner
    )
    {
        if (Document.Get(owner, "security") is not DocArray)
        {
            return (EquatableArray<string>.Empty, false, false, EquatableArray<string>.Empty);
        }

        var requirements = _connection.Requirements(owner);
        var optional = requirements.Count == 0 || requirements.Any(r => r.Count == 0);
        var methods = requirements.SelectMany(r => r).Where(_securitySchemes.Contains).Distinct().ToEquatableArray();
        if (methods.IsEmpty && !optional)
        {
            // Only schemes the connector cannot send (an HTTP signature, mutual TLS): no other credential may stand in.
            return (EquatableArray<string>.Empty, false, false, requirements.SelectMany(r => r).Distinct().ToEquatableArray());
        }

        return (methods, methods.IsEmpty, optional && !methods.IsEmpty, EquatableArray<string>.Empty);
    }

    private string UniqueName(string wanted, Site site)
    {
        if (_names.Add(wanted))
        {
            return wanted;
        }

        for (var i = 2; ; i++)
        {
            var candidate = wanted + "_" + i.ToString(CultureInfo.InvariantCulture);
            if (_names.Add(candidate))
            {
                var node = site.Node is DocObject obj && site.Document.Get(obj, "operationId") is { } id ? id : site.Node;
                _context.Warn(
                    site.Document,
                    node,
                    "operationId '" + wanted + "' is used by more than one operation; this one is generated as '" + candidate + "'"
                );
                return candidate;
            }
        }
    }

    /// <summary>A name for an operation without operationId: method and path, e.g. GET /pets/{id} → GetPetsById.</summary>
    internal static string Synthesize(string method, string path)
    {
        var words = new List<string> { method.ToLowerInvariant() };
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            var match = PathPlaceholder.Match(segment);
            if (match.Success && match.Value == segment)
            {
                words.Add("by");
                words.Add(match.Groups[1].Value);
            }
            else
            {
                words.Add(PathPlaceholder.Replace(segment, m => "_" + m.Groups[1].Value + "_"));
            }
        }

        if (words.Count == 1)
        {
            words.Add("root");
        }

        return string.Join("_", words);
    }

    private List<string> MediaTypes(DocObject operation, string key)
    {
        var node = Document.Get(operation, key) as DocArray ?? Document.Get(Document.Root, key) as DocArray;
        return node?.Items.OfType<DocScalar>().Select(s => s.Text.Trim().ToLowerInvariant()).ToList() ?? new List<string>();
    }

    /// <summary>
    /// Some documents spell the query in the path key (<c>/search?term={term}</c>, <c>/?Action=Foo</c>) and also declare
    /// those query parameters; the declared parameters are what gets sent, so their pairs are dropped from the key, and a
    /// value written in the key becomes the parameter's constant: it is what tells the operation apart from others.
    /// </summary>
    private static string WithoutDeclaredQuery(string path, List<ParameterSpec> parameters)
    {
        var question = path.IndexOf('?');
        if (question < 0)
        {
            return path;
        }

        var kept = new List<string>();
        foreach (var pair in path.Substring(question + 1).Split('&'))
        {
            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
            var index = parameters.FindIndex(p => p.Location == ParameterLocation.Query && p.Name == name);
            var template =
                equals < 0 ? null
                : PathPlaceholder.Match(pair.Substring(equals + 1)) is { Success: true } m && m.Length == pair.Length - equals - 1
                    ? m.Groups[1].Value
                : null;
            if (index < 0 && template is not null)
            {
                // name={x} fills the query parameter 'name' with x, whatever the document says x is: some documents
                // declare it "in: path", others not at all, and a path placeholder after '?' would never be filled.
                var declared = parameters.FindIndex(p =>
                    p.Name == template && p.Location is ParameterLocation.Path or ParameterLocation.Query
                );
                if (declared >= 0)
                {
                    parameters[declared] = parameters[declared] with { Name = name, Location = ParameterLocation.Query };
                }
                else
                {
                    parameters.Add(
                        new ParameterSpec
                        {
                            Name = name,
                            Location = ParameterLocation.Query,
                            Type = TypeRef.String,
                            Required = true,
                        }
                    );
                }

                continue;
            }

            if (index < 0)
            {
                if (pair.Length > 0)
                {
                    kept.Add(pair);
                }

                continue;
            }

            // The key fixes the value (it is what tells this operation apart from others on the path): a constant.
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair.Substring(equals + 1));
            if (value.Length > 0 && !PathPlaceholder.IsMatch(value))
            {
                parameters[index] = parameters[index] with { Constant = value };
            }
        }

        var bare = path.Substring(0, question);
        return kept.Count == 0 ? bare : bare + "?" + string.Join("&", kept);
    }

    /// <summary>
    /// What of a path key is sent: a fragment never reaches the server, so AWS-style keys that tell operations on one
    /// path apart with <c>/#Action=Foo</c> send it as the query it stands for; any other fragment is left out.
    /// </summary>
    private string RequestTarget(string key, Site site)
    {
        var target = PathKeys.RequestTarget(key, out var fragment);
        if (fragment is null)
        {
            return target;
        }

        var written = Document.Root is var root && Document.Get(root, "paths") is DocObject paths ? paths.First(p => p.Name == key) : null;
        var location = written is { } name ? Document.File.LocateName(name) : site.Document.File.Locate(site.Node);
        _context.Warn(location, "the fragment '#" + fragment + "' of path '" + key + "' is never sent to the server; it is left out");
        return target;
    }

    /// <summary>
    /// Every <c>{placeholder}</c> needs a path parameter and every path parameter a placeholder; documents get this wrong, so
    /// a missing parameter is added as a string and a stray one dropped, each with a warning, instead of failing.
    /// </summary>
    private List<ParameterSpec> ReconcilePathParameters(
        string path,
        List<ParameterSpec> parameters,
        List<(ParameterSpec Parameter, Site Site)> sites,
        Site site
    )
    {
        var placeholders = PathPlaceholder
            .Matches(path)
            .Cast<Match>()
            .Where(m => !(m.Index > 0 && path[m.Index - 1] == '{'))
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();
        var result = new List<ParameterSpec>();
        foreach (var parameter in parameters)
        {
            if (parameter.Location == ParameterLocation.Path && !placeholders.Contains(parameter.Name))
            {
                var where = sites.FirstOrDefault(e => ReferenceEquals(e.Parameter, parameter)).Site;
                _context.Warn(
                    where.Document is { } d ? d.File.Locate(where.Node) : site.Document.File.Locate(site.Node),
                    "path parameter '"
                        + parameter.Name
                        + "' does not appear as '{"
                        + parameter.Name
                        + "}' in '"
                        + path
                        + "'; it is not generated"
                );
                continue;
            }

            result.Add(parameter);
        }

        foreach (var placeholder in placeholders)
        {
            if (!result.Any(p => p.Location == ParameterLocation.Path && p.Name == placeholder))
            {
                _context.Warn(
                    site.Document,
                    site.Node,
                    "the path '"
                        + path
                        + "' contains '{"
                        + placeholder
                        + "}' but declares no path parameter '"
                        + placeholder
                        + "'; a string parameter is generated"
                );
                result.Add(
                    new ParameterSpec
                    {
                        Name = placeholder,
                        Location = ParameterLocation.Path,
                        Type = TypeRef.String,
                        Required = true,
                        Style = ParameterStyle.Simple,
                        Explode = false,
                        Pointer = site.Pointer,
                    }
                );
            }
        }

        return result;
    }

    private bool? Bool(Site site, DocObject obj, string key) => _context.Bool(site.Document, obj, key);

    private string? Description(Site site, DocObject obj) =>
        site.Document.Get(obj, "description") is DocScalar { Kind: ScalarKind.String } d && d.Text.Length > 0 ? d.Text : null;
}
