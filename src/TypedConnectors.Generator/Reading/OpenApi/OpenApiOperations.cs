using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Maps the paths of a document to operations: parameters, request bodies, responses and errors.</summary>
internal sealed class OpenApiOperations
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
        return new OperationSpec
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
            Pagination = document.Get(obj, "x-pagination") is { } declared and not DocScalar { Kind: ScalarKind.Boolean }
                ? PaginationReader.Read(document.Context, declared, site.Pointer + "/x-pagination")
                : null,
            Pointer = site.Pointer,
        };
    }

    /// <summary>
    /// The operation's own <c>security</c>, or the document's when it has none: <c>[]</c> (or only empty requirements)
    /// is anonymous, an empty requirement <c>{}</c> among others makes the credential optional, and the schemes named
    /// are the ones accepted. No <c>security</c> anywhere leaves every method of the connector applicable.
    /// </summary>
    private (EquatableArray<string> Methods, bool Anonymous, bool Optional, EquatableArray<string> Unsupported) OperationAuth(
        ApiDocument document,
        DocObject operation
    )
    {
        var owner = document.Get(operation, "security") is DocArray ? operation : Document.Root;
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

    private List<ParameterSpec> ReadParameters(
        Site operation,
        Site? pathLevel,
        string typePrefix,
        List<string> consumes,
        out BodySpec? body,
        out List<(ParameterSpec Parameter, Site Site)> sites
    )
    {
        body = null;
        sites = new List<(ParameterSpec, Site)>();
        var entries = new List<(Site Site, DocObject Parameter, string Name, string In)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var levels = new[] { operation.Child("parameters"), pathLevel };
        for (var levelIndex = 0; levelIndex < levels.Length; levelIndex++)
        {
            if (levels[levelIndex] is not { } levelSite)
            {
                continue;
            }

            if (levelSite.Node is not DocArray array)
            {
                _context.Warn(levelSite.Document, levelSite.Node, "'parameters' must be an array");
                continue;
            }

            for (var i = 0; i < array.Items.Count; i++)
            {
                var itemSite = levelSite.Item(array, i);
                if (!_context.TryResolve(itemSite, out var target) || target.Node is not DocObject parameter)
                {
                    continue;
                }

                var name = target.Document.Get(parameter, "name") is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } n
                    ? n.Text
                    : null;
                var location = target.Document.Get(parameter, "in") is DocScalar { Kind: ScalarKind.String } l ? l.Text : null;
                if (name is null || location is null)
                {
                    _context.Warn(target.Document, parameter, "a parameter needs 'name' and 'in'; it is skipped");
                    continue;
                }

                // Operation-level parameters override path-level ones with the same name and location.
                if (!seen.Add(location + "\0" + name))
                {
                    if (levelIndex == 0)
                    {
                        _context.Warn(
                            target.Document,
                            parameter,
                            "parameter '" + name + "' in " + location + " is declared twice; the first is used"
                        );
                    }

                    continue;
                }

                entries.Add((target, parameter, name, location));
            }
        }

        var result = new List<ParameterSpec>();
        var formParameters = entries.Where(e => e.In == "formData").ToList();
        // The declared media type decides; without one, a file needs multipart. A file in a form declared only as
        // application/x-www-form-urlencoded goes as that form's field (its bytes percent-encoded).
        var multipart =
            consumes.Contains("multipart/form-data")
            || (
                !consumes.Contains("application/x-www-form-urlencoded")
                && formParameters.Any(e => e.Site.Document.Get(e.Parameter, "type") is DocScalar { Text: "file" })
            );
        foreach (var (site, parameter, name, location) in entries)
        {
            var before = result.Count;
            var document = site.Document;
            switch (location)
            {
                case "body":
                {
                    var schemaSite = site.Child("schema");
                    var type = schemaSite is { } s ? _schemas.Map(s, typePrefix + "Request") : TypeRef.Any;
                    var (kind, contentType) = V2BodyKind(consumes, type);
                    body = new BodySpec
                    {
                        Kind = kind,
                        ContentType = contentType,
                        Type = kind switch
                        {
                            BodyKind.Binary => new TypeRef(TypeKind.Stream),
                            BodyKind.Text => TypeRef.String,
                            _ => type,
                        },
                        Required = Bool(site, parameter, "required") ?? false,
                        Description = Description(site, parameter),
                        ParameterName = name,
                        Pointer = site.Pointer,
                    };
                    break;
                }

                case "formData":
                    result.Add(
                        Parameter(site, parameter, name, multipart ? ParameterLocation.Multipart : ParameterLocation.Form, typePrefix)
                    );
                    break;
                case "path":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Path, typePrefix));
                    break;
                case "query":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Query, typePrefix));
                    break;
                case "header":
                    if (IgnoredHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        // OpenAPI: these are described by the body, the responses and the security schemes instead.
                        break;
                    }

                    if (!TemplateSyntax.IsToken(name))
                    {
                        _context.Warn(document, parameter, "'" + name + "' is not a valid HTTP header name; the parameter is skipped");
                        break;
                    }

                    result.Add(Parameter(site, parameter, name, ParameterLocation.Header, typePrefix));
                    break;
                case "cookie":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Cookie, typePrefix));
                    break;
                default:
                    _context.Warn(
                        document,
                        document.Get(parameter, "in") ?? parameter,
                        "'"
                            + location
                            + "' is not a parameter location (path, query, header, cookie"
                            + (_context.IsV2 ? ", body, formData" : "")
                            + "); the parameter is skipped"
                    );
                    break;
            }

            if (result.Count > before)
            {
                sites.Add((result[result.Count - 1], site));
            }
        }

        return result;
    }

    private static (BodyKind Kind, string ContentType) V2BodyKind(List<string> consumes, TypeRef type)
    {
        if (type.Kind == TypeKind.Stream)
        {
            // Bytes go with a declared media type: a binary one if there is one, else the one declared, else the
            // JSON that 2.0 assumes for every body without consumes.
            return (BodyKind.Binary, consumes.FirstOrDefault(c => !IsJson(c)) ?? consumes.FirstOrDefault() ?? "application/json");
        }

        if (consumes.Count == 0 || consumes.Any(IsJson))
        {
            return (BodyKind.Json, consumes.FirstOrDefault(IsJson) ?? "application/json");
        }

        var first = consumes[0];
        return IsBinary(first) ? (BodyKind.Binary, first) : (BodyKind.Text, first);
    }

    private ParameterSpec Parameter(Site site, DocObject parameter, string name, ParameterLocation location, string typePrefix)
    {
        var document = site.Document;
        var typeName = typePrefix + Naming.ToPascal(name, "Parameter");
        Site schemaSite;
        TypeRef type;
        if (site.Child("schema") is { } schema)
        {
            schemaSite = schema;
            type = _schemas.Map(schema, typeName);
        }
        else if (
            site.Child("content") is { Node: DocObject content } contentSite
            && content.Properties.Count > 0
            && contentSite.Child(content.Properties[0].Name)?.Child("schema") is { } contentSchema
        )
        {
            schemaSite = contentSchema;
            type = _schemas.Map(contentSchema, typeName);
        }
        else if (document.Get(parameter, "type") is not null)
        {
            // OpenAPI 2.0 and shorthand: the parameter object carries the schema keywords itself.
            schemaSite = site;
            type = _schemas.Map(site, typeName);
        }
        else
        {
            schemaSite = site;
            type = TypeRef.String;
        }

        if (type.Kind == TypeKind.Stream && location is not (ParameterLocation.Form or ParameterLocation.Multipart))
        {
            // A path, query, header or cookie value is text whatever its format says ("binary" octets): a string, which
            // is sent, not a Stream that no URL or header can carry.
            type = TypeRef.String.AsNullable(type.Nullable);
        }

        var (style, explode) = Style(site, parameter, location);
        var required = location == ParameterLocation.Path || (Bool(site, parameter, "required") ?? false);
        return new ParameterSpec
        {
            Name = name,
            Location = location,
            Type = type,
            Required = required,
            Description = Description(site, parameter),
            Default = _schemas.Default(schemaSite),
            Style = style,
            Explode = explode,
            Constraints = _schemas.Constraints(schemaSite),
            Pointer = site.Pointer,
        };
    }

    private (ParameterStyle Style, bool Explode) Style(Site site, DocObject parameter, ParameterLocation location)
    {
        var document = site.Document;
        if (_context.IsV2)
        {
            var format = document.Get(parameter, "collectionFormat") is DocScalar { Kind: ScalarKind.String } c ? c.Text : "csv";
            switch (format)
            {
                case "csv":
                    return (
                        location is ParameterLocation.Path or ParameterLocation.Header ? ParameterStyle.Simple : ParameterStyle.Form,
                        false
                    );
                case "ssv":
                    return (ParameterStyle.SpaceDelimited, false);
                case "pipes":
                    return (ParameterStyle.PipeDelimited, false);
                case "multi":
                    return (ParameterStyle.Form, true);
                case "tsv":
                    _context.Unsupported(
                        document,
                        document.Get(parameter, "collectionFormat")!,
                        "collectionFormat 'tsv' (values are sent comma-separated)"
                    );
                    return (ParameterStyle.Form, false);
                default:
                    _context.Warn(
                        document,
                        document.Get(parameter, "collectionFormat")!,
                        "'" + format + "' is not a collectionFormat (csv, ssv, tsv, pipes, multi); csv is used"
                    );
                    return (ParameterStyle.Form, false);
            }
        }

        var defaultStyle = location is ParameterLocation.Path or ParameterLocation.Header ? "simple" : "form";
        var styleNode = document.Get(parameter, "style");
        var styleText = styleNode is DocScalar { Kind: ScalarKind.String } st ? st.Text : defaultStyle;
        var style = styleText switch
        {
            "form" => ParameterStyle.Form,
            "simple" => ParameterStyle.Simple,
            "spaceDelimited" => ParameterStyle.SpaceDelimited,
            "pipeDelimited" => ParameterStyle.PipeDelimited,
            "deepObject" => ParameterStyle.DeepObject,
            _ => (ParameterStyle?)null,
        };
        if (style is null)
        {
            _context.Unsupported(
                document,
                styleNode ?? parameter,
                "parameter style '" + styleText + "' (the " + defaultStyle + " style is used)"
            );
            style = defaultStyle == "simple" ? ParameterStyle.Simple : ParameterStyle.Form;
        }

        var explode = Bool(site, parameter, "explode") ?? style == ParameterStyle.Form;
        return (style.Value, explode);
    }

    private BodySpec? ReadRequestBody(Site site, string typePrefix, List<ParameterSpec> parameters)
    {
        if (!_context.TryResolve(site, out var target) || target.Node is not DocObject requestBody)
        {
            return null;
        }

        var document = target.Document;
        var required = Bool(target, requestBody, "required") ?? false;
        var description = document.Get(requestBody, "description") is DocScalar { Kind: ScalarKind.String } d ? d.Text : null;
        var parameterName = document.Get(requestBody, "x-codegen-request-body-name") is DocScalar { Kind: ScalarKind.String } n
            ? n.Text
            : "body";
        if (target.Child("content") is not { Node: DocObject content } contentSite || content.Properties.Count == 0)
        {
            return null;
        }

        var (mediaType, mediaSite) = PickMedia(contentSite, content, forRequest: true);
        var schemaSite = mediaSite.Child("schema");
        if (mediaType == "multipart/form-data" || mediaType == "application/x-www-form-urlencoded")
        {
            var multipart = mediaType == "multipart/form-data";
            if (schemaSite is not { } schema)
            {
                return new BodySpec
                {
                    Kind = BodyKind.Text,
                    ContentType = mediaType,
                    Type = TypeRef.String,
                    Required = required,
                    Description = description,
                    ParameterName = parameterName,
                    Pointer = target.Pointer,
                };
            }

            // An inline form schema becomes method parameters; a named one a record the caller fills in.
            if (
                !OpenApiContext.IsReference(schema)
                && schema.Child("properties") is { Node: DocObject properties } propertiesSite
                && schema.Node is DocObject schemaObject
                && schemaObject.Properties.All(p => p.Name is "type" or "properties" or "required" or "description" or "title")
            )
            {
                var requiredNames = new HashSet<string>(StringComparer.Ordinal);
                if (document.Get(schemaObject, "required") is DocArray requiredArray)
                {
                    foreach (var item in requiredArray.Items.OfType<DocScalar>())
                    {
                        requiredNames.Add(item.Text);
                    }
                }

                foreach (var property in properties.Properties)
                {
                    var propertySite = propertiesSite.Child(property.Name)!.Value;
                    var type = _schemas.Map(propertySite, typePrefix + Naming.ToPascal(property.Name, "Field"));
                    parameters.Add(
                        new ParameterSpec
                        {
                            Name = property.Name,
                            Location = multipart ? ParameterLocation.Multipart : ParameterLocation.Form,
                            Type = type,
                            // The API needs its required fields whether or not the document marks the body itself required.
                            Required = requiredNames.Contains(property.Name),
                            Description = _schemas.Description(propertySite),
                            Default = _schemas.Default(propertySite),
                            Explode = true,
                            Constraints = _schemas.Constraints(propertySite),
                            Pointer = propertySite.Pointer,
                        }
                    );
                }

                return null;
            }

            var mapped = _schemas.Map(schema, typePrefix + "Request");
            if (_schemas.Find(mapped) is { Kind: TypeSpecKind.Object })
            {
                return new BodySpec
                {
                    Kind = multipart ? BodyKind.Multipart : BodyKind.Form,
                    ContentType = mediaType,
                    Type = mapped,
                    Required = required,
                    Description = description,
                    ParameterName = parameterName,
                    Pointer = target.Pointer,
                };
            }

            _context.Unsupported(document, schema.Node, "a form body whose schema is not an object (sent as text)");
            return new BodySpec
            {
                Kind = BodyKind.Text,
                ContentType = mediaType,
                Type = TypeRef.String,
                Required = required,
                Description = description,
                ParameterName = parameterName,
                Pointer = target.Pointer,
            };
        }

        var bodyType = schemaSite is { } s ? _schemas.Map(s, typePrefix + "Request") : TypeRef.Any;
        BodyKind kind;
        if (IsJson(mediaType) && bodyType.Kind != TypeKind.Stream)
        {
            kind = BodyKind.Json;
        }
        else if (IsBinary(mediaType) || bodyType.Kind == TypeKind.Stream)
        {
            kind = BodyKind.Binary;
            bodyType = new TypeRef(TypeKind.Stream);
        }
        else
        {
            kind = BodyKind.Text;
            bodyType = TypeRef.String;
        }

        return new BodySpec
        {
            Kind = kind,
            ContentType = mediaType == "*/*" ? (kind == BodyKind.Json ? "application/json" : "application/octet-stream") : mediaType,
            Type = bodyType,
            Required = required,
            Description = description,
            ParameterName = parameterName,
            Pointer = target.Pointer,
        };
    }

    /// <summary>The media type to use: JSON first, then forms, binary, text and anything else.</summary>
    private static (string MediaType, Site Site) PickMedia(Site contentSite, DocObject content, bool forRequest)
    {
        int Rank(string mediaType) =>
            mediaType switch
            {
                _ when IsJson(mediaType) => 0,
                "multipart/form-data" when forRequest => 1,
                "application/x-www-form-urlencoded" when forRequest => 2,
                _ when IsBinary(mediaType) => 3,
                _ when mediaType.StartsWith("text/", StringComparison.Ordinal) => 4,
                _ => 5,
            };

        var best = content
            .Properties.Select((p, i) => (Name: p.Name, Media: p.Name.Split(';')[0].Trim().ToLowerInvariant(), Index: i))
            .OrderBy(p => Rank(p.Media))
            .ThenBy(p => p.Index)
            .First();
        return (best.Media, contentSite.Child(best.Name)!.Value);
    }

    internal static bool IsJson(string mediaType) =>
        mediaType == "application/json"
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType.EndsWith("/json", StringComparison.Ordinal)
        || mediaType.StartsWith("application/json", StringComparison.Ordinal)
        || mediaType == "text/json";

    internal static bool IsBinary(string mediaType) =>
        mediaType
            is "application/octet-stream"
                or "application/pdf"
                or "application/zip"
                or "application/gzip"
                or "*/*"
                or "application/x-tar"
                or "application/vnd.ms-excel"
        || mediaType.StartsWith("image/", StringComparison.Ordinal)
        || mediaType.StartsWith("audio/", StringComparison.Ordinal)
        || mediaType.StartsWith("video/", StringComparison.Ordinal)
        || mediaType.StartsWith("font/", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.openxmlformats", StringComparison.Ordinal);

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

        var written =
            Document.Root is var root && Document.Get(root, "paths") is DocObject paths
                ? paths.Properties.FirstOrDefault(p => p.Name == key)
                : null;
        var location = written is null ? site.Document.File.Locate(site.Node) : Document.File.LocateName(written);
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

    private ResponseSpec ReadResponses(Site operation, string typePrefix, List<string> produces)
    {
        if (operation.Child("responses") is not { Node: DocObject responses } responsesSite)
        {
            return ResponseSpec.None;
        }

        var codes = responses.Properties.Where(p => !p.Name.StartsWith("x-", StringComparison.Ordinal)).Select(p => p.Name).ToList();
        var success = codes
            .Where(c => c.Length == 3 && c[0] == '2')
            .OrderBy(c => c, StringComparer.Ordinal)
            .Concat(codes.Where(c => c is "2XX" or "2xx"))
            .ToList();
        var defaultIsSuccess =
            success.Count == 0 && !codes.Any(c => c.Length == 3 && c[0] is '3' or '4' or '5' || c is "4XX" or "5XX" or "4xx" or "5xx");
        if (defaultIsSuccess && codes.Contains("default"))
        {
            success.Add("default");
        }

        ResponseSpec? result = null;
        foreach (var code in success)
        {
            var (kind, type, description) = ReadResponse(responsesSite.Child(code)!.Value, typePrefix + "Response", produces);
            result ??= new ResponseSpec { Kind = ResponseKind.None, Description = description };
            if (kind != ResponseKind.None)
            {
                result = new ResponseSpec
                {
                    Kind = kind,
                    Type = type,
                    Description = description,
                };
                break;
            }
        }

        result ??= ResponseSpec.None;
        var errors = new List<ErrorResponseSpec>();
        var errorCodes = codes
            .Where(c =>
                (c.Length == 3 && c[0] is '4' or '5') || c is "4XX" or "5XX" or "4xx" or "5xx" || (c == "default" && !defaultIsSuccess)
            )
            .OrderBy(c =>
                c == "default" ? 2
                : char.IsDigit(c[1]) ? 0
                : 1
            )
            .ThenBy(c => c, StringComparer.Ordinal);
        foreach (var code in errorCodes)
        {
            var suffix = code == "default" ? "" : code.ToUpperInvariant();
            var (kind, type, _) = ReadResponse(responsesSite.Child(code)!.Value, typePrefix + suffix + "Error", produces);
            // Any schema but "anything" gives a typed error; a JSON string or number body is as typed as an object.
            if (kind == ResponseKind.Json && type is { Kind: not (TypeKind.Any or TypeKind.Stream) } errorType)
            {
                errors.Add(new ErrorResponseSpec(code.ToUpperInvariant() == "DEFAULT" ? "default" : code.ToUpperInvariant(), errorType));
            }
        }

        return errors.Count == 0 ? result : result with { Errors = errors.ToEquatableArray() };
    }

    private (ResponseKind Kind, TypeRef? Type, string? Description) ReadResponse(Site site, string typeName, List<string> produces)
    {
        if (!_context.TryResolve(site, out var target) || target.Node is not DocObject response)
        {
            return (ResponseKind.None, null, null);
        }

        var document = target.Document;
        var description =
            document.Get(response, "description") is DocScalar { Kind: ScalarKind.String } d && d.Text.Length > 0 ? d.Text : null;
        if (_context.IsV2)
        {
            if (target.Child("schema") is not { } schema)
            {
                return (ResponseKind.None, null, description);
            }

            var type = _schemas.Map(schema, typeName);
            if (type.Kind == TypeKind.Stream || (produces.Count > 0 && !produces.Any(IsJson) && produces.Any(IsBinary)))
            {
                return (ResponseKind.Stream, new TypeRef(TypeKind.Stream), description);
            }

            if (produces.Count > 0 && !produces.Any(IsJson))
            {
                return (ResponseKind.Text, TypeRef.String, description);
            }

            return (ResponseKind.Json, type, description);
        }

        if (target.Child("content") is not { Node: DocObject { Properties.Count: > 0 } content } contentSite)
        {
            return (ResponseKind.None, null, description);
        }

        var (mediaType, mediaSite) = PickMedia(contentSite, content, forRequest: false);
        var schemaSite = mediaSite.Child("schema");
        var mapped = schemaSite is { } s ? _schemas.Map(s, typeName) : null;
        if (mapped?.Kind == TypeKind.Stream || (IsBinary(mediaType) && !(mediaType == "*/*" && mapped is { Kind: not TypeKind.String })))
        {
            return (ResponseKind.Stream, new TypeRef(TypeKind.Stream), description);
        }

        if (IsJson(mediaType) || (mediaType == "*/*" && mapped is not null))
        {
            return (ResponseKind.Json, mapped ?? TypeRef.Any, description);
        }

        return (ResponseKind.Text, TypeRef.String, description);
    }

    private bool? Bool(Site site, DocObject obj, string key) => _context.Bool(site.Document, obj, key);

    private string? Description(Site site, DocObject obj) =>
        site.Document.Get(obj, "description") is DocScalar { Kind: ScalarKind.String } d && d.Text.Length > 0 ? d.Text : null;
}
