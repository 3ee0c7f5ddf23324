using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.Canonical;

/// <summary>Reads the project's own connector format (<c>*.connector.json</c>, format_version 1).</summary>
internal static class CanonicalReader
{
    public const int FormatVersion = 1;

    internal static readonly string[] RootKeys =
    {
        "format_version",
        "name",
        "slug",
        "display_name",
        "description",
        "domain",
        "icon_url",
        "visibility",
        "version",
        "type",
        "base_url",
        "variables",
        "auth",
        "account_fields",
        "rate_limit",
        "max_concurrency",
        "headers",
        "endpoints",
        "types",
        "openapi",
        "operations",
        "is_mcp",
    };

    internal static readonly string[] VariableKeys = { "name", "description", "default", "pattern" };

    internal static readonly string[] AuthKeys =
    {
        "key",
        "type",
        "default",
        "display_name",
        "description",
        "header",
        "auth_header_key_override",
        "prefix",
        "in",
        "parameter_name",
        "fields",
        "field_mutations",
        "auth_field_mutations",
        "oauth",
        "username_field",
        "password_field",
        "token_field",
    };

    internal static readonly string[] FieldKeys = { "field_name", "label", "input_type", "hint", "required", "default" };
    internal static readonly string[] MutationKeys = { "field", "prefix", "suffix", "default" };

    internal static readonly string[] OAuthKeys =
    {
        "authorize_uri",
        "token_uri",
        "user_info_uri",
        "refresh_uri",
        "available_scopes",
        "pkce_enabled",
        "grant_types",
        "client_authentication",
        "authorize_parameters",
        "token_parameters",
    };

    internal static readonly string[] EndpointKeys =
    {
        "name",
        "summary",
        "description",
        "method",
        "path",
        "parameters",
        "body_template",
        "content_type",
        "request_body",
        "response",
        "response_type",
        "group",
        "deprecated",
        "auth",
        "pagination",
        "stream_format",
    };

    internal static readonly string[] ParameterKeys =
    {
        "name",
        "in",
        "type",
        "format",
        "enum",
        "items",
        "schema",
        "required",
        "default",
        "value",
        "description",
        "style",
        "explode",
        "maxLength",
        "minLength",
        "minimum",
        "maximum",
        "pattern",
    };

    private static readonly string[] ShorthandKeys = { "type", "format", "enum", "items" };

    internal static readonly string[] HeaderKeys = { "name", "value" };
    internal static readonly string[] ScopeKeys = { "scope", "display_name", "description", "required" };
    internal static readonly string[] RequestBodyKeys = { "schema", "content_type", "required", "description" };
    internal static readonly string[] RateLimitKeys = { "requests", "per", "window_seconds" };

    /// <summary>
    /// The keys each object of the format accepts, by the name connector.schema.json gives that object (a <c>$defs</c>
    /// entry, or the root), so a test can hold the reader and the schema to the same key sets.
    /// </summary>
    internal static IReadOnlyDictionary<string, string[]> KeySets { get; } =
        new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["#"] = RootKeys,
            ["variable"] = VariableKeys,
            ["field"] = FieldKeys,
            ["field_mutation"] = MutationKeys,
            ["scalekit_field_mutation"] = Scalekit.ScalekitReader.MutationKeys,
            ["scope"] = ScopeKeys,
            ["oauth"] = OAuthKeys,
            ["auth_method"] = AuthKeys,
            ["header"] = HeaderKeys,
            ["schema"] = SchemaReader.SchemaKeys,
            ["parameter"] = ParameterKeys,
            ["request_body"] = RequestBodyKeys,
            ["endpoint"] = EndpointKeys,
            ["rate_limit"] = RateLimitKeys,
            ["operations"] = OpenApi.OpenApiOverlay.OperationKeys,
            ["pagination"] = PaginationReader.Keys,
        };

    internal static readonly (string, ConnectorKind)[] ConnectorKinds =
    {
        ("simple", ConnectorKind.Simple),
        ("enrichment", ConnectorKind.Enrichment),
        ("exporter", ConnectorKind.Exporter),
    };

    internal static readonly (string, AuthKind)[] AuthKinds =
    {
        ("none", AuthKind.None),
        ("basic", AuthKind.Basic),
        ("bearer", AuthKind.Bearer),
        ("api_key", AuthKind.ApiKey),
        ("oauth2", AuthKind.OAuth2),
        ("custom", AuthKind.Custom),
    };

    internal static readonly (string, ApiKeyLocation)[] Locations =
    {
        ("header", ApiKeyLocation.Header),
        ("query", ApiKeyLocation.Query),
        ("cookie", ApiKeyLocation.Cookie),
    };

    internal static readonly (string, FieldInputType)[] InputTypes =
    {
        ("text", FieldInputType.Text),
        ("password", FieldInputType.Password),
    };

    internal static readonly (string, string)[] HttpMethods =
    {
        ("get", "GET"),
        ("post", "POST"),
        ("put", "PUT"),
        ("patch", "PATCH"),
        ("delete", "DELETE"),
        ("head", "HEAD"),
        ("options", "OPTIONS"),
    };

    internal static readonly (string, ParameterLocation)[] ParameterLocations =
    {
        ("path", ParameterLocation.Path),
        ("query", ParameterLocation.Query),
        ("header", ParameterLocation.Header),
        ("cookie", ParameterLocation.Cookie),
        ("body", ParameterLocation.Body),
    };

    internal static readonly (string, ResponseKind)[] ResponseKinds =
    {
        ("json", ResponseKind.Json),
        ("text", ResponseKind.Text),
        ("stream", ResponseKind.Stream),
        ("none", ResponseKind.None),
    };

    internal static readonly (string, StreamFormat)[] StreamFormats =
    {
        ("sse", StreamFormat.ServerSentEvents),
        ("json_lines", StreamFormat.JsonLines),
    };

    internal static readonly (string, OAuthClientAuthentication)[] ClientAuthentications =
    {
        ("body", OAuthClientAuthentication.Body),
        ("basic", OAuthClientAuthentication.BasicHeader),
    };

    /// <summary>True when the document looks like a canonical connector file rather than a platform payload.</summary>
    public static bool Recognizes(DocObject root) =>
        root.Find("format_version") is not null
        || root.Find("endpoints") is not null
        || root.Find("base_url") is not null
        || root.Find("openapi") is not null;

    public static ConnectorSpec? Read(DocContext context, DocObject root)
    {
        // A version this reader does not know is reported alone: its keys and values may mean something else there, so
        // judging them by format 1 would only bury the one diagnostic that matters. An absent version is version 1, for
        // good: a later format must be asked for, so a file never changes meaning under a newer generator.
        if (context.Integer(root, "format_version") is { } version && version != FormatVersion)
        {
            context.Report(
                DiagnosticDescriptors.UnsupportedFormatVersion,
                root.Get("format_version")!,
                version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)
            );
            return null;
        }

        context.Strict = true;
        context.CheckKeys(root, RootKeys, "a connector");

        var openApi = context.String(root, "openapi");
        if (openApi is null && root.Find("operations") is { } operations && context.AsObject(operations.Value, "operations") is not null)
        {
            // Without a document there is nothing to select: the key would silently do nothing.
            context.ReportKey(
                DiagnosticDescriptors.ValueOutOfRange,
                operations,
                "operations",
                "selects operations of the document named by \"openapi\", and this file names none"
            );
        }
        var name = context.String(root, "name", required: true, where: "a connector") ?? "";
        var schemas = new SchemaReader(context, context.Object(root, "types"));
        schemas.ReadNamedTypes();

        var spec = new ConnectorSpec
        {
            Name = name,
            Slug = context.String(root, "slug") ?? "",
            DisplayName = context.String(root, "display_name"),
            Description = context.String(root, "description"),
            Domain = context.String(root, "domain"),
            IconUrl = context.String(root, "icon_url"),
            Visibility = context.String(root, "visibility"),
            Version = context.Scalar(root, "version", ScalarKind.String, ScalarKind.Number),
            Kind = context.Enum(root, "type", ConnectorKinds, "connector type") ?? ConnectorKind.Simple,
            Dialect = SourceDialect.Canonical,
            BaseUrl = context.String(root, "base_url", required: openApi is null, where: "a connector") ?? "",
            Variables = ReadList(context, root, "variables", (o, p) => ReadVariable(context, o, p)),
            AuthMethods = ReadList(context, root, "auth", (o, p) => ReadAuthMethod(context, o, p)),
            AccountFields = ReadList(context, root, "account_fields", (o, p) => ReadField(context, o, p)),
            RateLimit = ReadRateLimit(context, root),
            MaxConcurrency = (int?)context.Integer(root, "max_concurrency"),
            DefaultHeaders = ReadHeaders(context, root, "headers"),
            Operations = ReadList(context, root, "endpoints", (o, p) => ReadEndpoint(context, schemas, o, p)),
            IsMcp = context.Bool(root, "is_mcp") ?? false,
            OpenApiReference = openApi,
        };

        return spec with
        {
            Types = schemas.Types,
        };
    }

    internal static EquatableArray<T> ReadList<T>(DocContext context, DocObject parent, string key, Func<DocObject, string, T?> read)
        where T : class, IEquatable<T>
    {
        if (context.Array(parent, key) is not { } array)
        {
            return EquatableArray<T>.Empty;
        }

        var items = ImmutableArray.CreateBuilder<T>();
        for (var i = 0; i < array.Items.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (context.AsObject(array.Items[i], key + " item") is { } obj && read(obj, "/" + key + "/" + i) is { } item)
            {
                items.Add(item);
            }
        }

        return items.ToImmutable();
    }

    internal static EquatableArray<HeaderSpec> ReadHeaders(DocContext context, DocObject parent, string key, string prefix = "")
    {
        return ReadList(
            context,
            parent,
            key,
            (o, p) =>
            {
                context.CheckKeys(o, HeaderKeys, "a header");
                var headerName = context.String(o, "name", required: true, where: "a header");
                var value = context.Scalar(o, "value", ScalarKind.String, ScalarKind.Number, ScalarKind.Boolean) ?? "";
                return headerName is null ? null : new HeaderSpec(headerName, value, prefix + p);
            }
        );
    }

    private static VariableSpec? ReadVariable(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, VariableKeys, "a variable");
        var name = context.String(obj, "name", required: true, where: "a variable");
        var variable = new VariableSpec
        {
            Name = name ?? "",
            Description = context.String(obj, "description"),
            Default = context.String(obj, "default", allowScalars: true),
            Pattern = context.String(obj, "pattern"),
            Pointer = pointer,
        };
        return name is null ? null : variable;
    }

    /// <summary>
    /// Reads a connection field. Platforms that use the same field shape (Scalekit) pass their own known keys and
    /// input types.
    /// </summary>
    internal static FieldSpec? ReadField(
        DocContext context,
        DocObject obj,
        string pointer,
        IReadOnlyCollection<string>? keys = null,
        IReadOnlyList<(string Name, FieldInputType Value)>? inputTypes = null,
        string what = "a field"
    )
    {
        context.CheckKeys(obj, keys ?? FieldKeys, what);
        var name = context.String(obj, "field_name", required: true, where: "a field");
        var field = new FieldSpec
        {
            Name = name ?? "",
            Label = context.String(obj, "label"),
            Hint = context.String(obj, "hint"),
            InputType = context.Enum(obj, "input_type", inputTypes ?? InputTypes, "input_type") ?? FieldInputType.Text,
            Required = context.Bool(obj, "required") ?? true,
            Default = context.String(obj, "default", allowScalars: true),
            Pointer = pointer,
        };
        return name is null ? null : field;
    }

    internal static FieldMutationSpec? ReadMutation(DocContext context, DocObject obj)
    {
        context.CheckKeys(obj, MutationKeys, "a field mutation");
        var field = context.String(obj, "field", required: true, where: "a field mutation");
        var mutation = new FieldMutationSpec
        {
            Field = field ?? "",
            Prefix = context.String(obj, "prefix"),
            Suffix = context.String(obj, "suffix"),
            Default = context.String(obj, "default", allowScalars: true),
        };
        return field is null ? null : mutation;
    }

    private static AuthMethodSpec? ReadAuthMethod(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, AuthKeys, "an auth method");
        var type = context.Enum(obj, "type", AuthKinds, "auth type", required: true, where: "an auth method");
        var kind = type ?? AuthKind.None;
        var mutations = ReadList(context, obj, "field_mutations", (o, _) => ReadMutation(context, o));
        if (mutations.IsEmpty && obj.Get("auth_field_mutations") is DocObject scalekitMutations)
        {
            // Scalekit's own shape, { "username": { "suffix": "/token" } }, so a provider's auth pattern can be pasted as is.
            var fieldNames = obj.Get("fields") is DocArray fieldArray
                ? fieldArray.Items.OfType<DocObject>().Select(f => f.Get("field_name")).OfType<DocScalar>().Select(n => n.Text)
                : Enumerable.Empty<string>();
            mutations = Scalekit.ScalekitReader.ReadMutationObject(context, scalekitMutations, fieldNames).ToEquatableArray();
        }
        else if (mutations.IsEmpty)
        {
            mutations = ReadList(context, obj, "auth_field_mutations", (o, _) => ReadMutation(context, o));
        }

        // Two names for one setting (Scalekit's and the format's); both are read so neither goes unchecked.
        var header = context.String(obj, "header");
        var headerOverride = context.String(obj, "auth_header_key_override");
        var method = new AuthMethodSpec
        {
            Key = context.String(obj, "key") ?? DefaultKey(kind),
            Kind = kind,
            DisplayName = context.String(obj, "display_name"),
            Description = context.String(obj, "description"),
            IsDefault = context.Bool(obj, "default") ?? false,
            HeaderName = header ?? headerOverride,
            Prefix = context.String(obj, "prefix"),
            Location = context.Enum(obj, "in", Locations, "API key location") ?? ApiKeyLocation.Header,
            ParameterName = context.String(obj, "parameter_name"),
            UsernameField = context.String(obj, "username_field"),
            PasswordField = context.String(obj, "password_field"),
            TokenField = context.String(obj, "token_field"),
            Fields = ReadList(context, obj, "fields", (o, p) => ReadField(context, o, pointer + p)),
            Mutations = mutations,
            OAuth = context.Object(obj, "oauth") is { } oauth ? ReadOAuth(context, oauth, pointer + "/oauth") : null,
            Pointer = pointer,
        };
        return type is null ? null : method;
    }

    internal static string DefaultKey(AuthKind kind) =>
        kind switch
        {
            AuthKind.ApiKey => "api_key",
            AuthKind.OAuth2 => "oauth2",
            _ => kind.ToString().ToLowerInvariant(),
        };

    internal static OAuthSpec ReadOAuth(DocContext context, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, OAuthKeys, "an OAuth configuration");
        var scopes = ImmutableArray.CreateBuilder<OAuthScopeSpec>();
        if (context.Array(obj, "available_scopes") is { } scopeArray)
        {
            foreach (var item in scopeArray.Items)
            {
                if (item is DocScalar { Kind: ScalarKind.String } s)
                {
                    scopes.Add(new OAuthScopeSpec(s.Text, null, false));
                }
                else if (context.AsObject(item, "available_scopes item") is { } scope)
                {
                    context.CheckKeys(scope, ScopeKeys, "a scope");
                    var value = context.String(scope, "scope", required: true, where: "a scope");
                    var description = context.String(scope, "description");
                    var displayName = context.String(scope, "display_name");
                    var required = context.Bool(scope, "required") ?? false;
                    if (value is not null)
                    {
                        scopes.Add(new OAuthScopeSpec(value, description ?? displayName, required));
                    }
                }
            }
        }

        var grants = ImmutableArray.CreateBuilder<string>();
        if (context.Array(obj, "grant_types") is { } grantArray)
        {
            foreach (var item in grantArray.Items)
            {
                if (context.AsString(item, "grant_types item") is { } grant)
                {
                    grants.Add(grant);
                }
            }
        }

        return new OAuthSpec
        {
            AuthorizeUri = context.String(obj, "authorize_uri"),
            TokenUri = context.String(obj, "token_uri"),
            UserInfoUri = context.String(obj, "user_info_uri"),
            RefreshUri = context.String(obj, "refresh_uri"),
            Scopes = scopes.ToImmutable(),
            PkceEnabled = context.Bool(obj, "pkce_enabled") ?? false,
            GrantTypes = grants.ToImmutable(),
            ClientAuthentication =
                context.Enum(obj, "client_authentication", ClientAuthentications, "client authentication")
                ?? OAuthClientAuthentication.Body,
            ExtraAuthorizeParameters = ReadPairs(context, obj, "authorize_parameters"),
            ExtraTokenParameters = ReadPairs(context, obj, "token_parameters"),
            Pointer = pointer,
        };
    }

    private static EquatableArray<HeaderSpec> ReadPairs(DocContext context, DocObject obj, string key)
    {
        if (context.Object(obj, key) is not { } pairs)
        {
            return EquatableArray<HeaderSpec>.Empty;
        }

        return pairs
            .Properties.Select(p => new HeaderSpec(
                p.Name,
                context.Scalar(pairs, p.Name, ScalarKind.String, ScalarKind.Number, ScalarKind.Boolean) ?? ""
            ))
            .ToEquatableArray();
    }

    internal static RateLimitSpec? ReadRateLimit(DocContext context, DocObject root)
    {
        switch (root.Get("rate_limit"))
        {
            case null:
            case DocScalar { Kind: ScalarKind.Null }:
                return null;
            case DocScalar { Kind: ScalarKind.Number }:
                // A bare number is requests per minute, as the platforms write it.
                return context.Integer(root, "rate_limit") is { } perMinute
                    ? new RateLimitSpec((int)Math.Max(int.MinValue, Math.Min(int.MaxValue, perMinute)), 60)
                    : null;
            case DocObject obj:
                context.CheckKeys(obj, RateLimitKeys, "a rate limit");
                var requests = context.Integer(obj, "requests", required: true, where: "a rate limit");
                var seconds = context.Integer(obj, "window_seconds");
                var per = context.Enum(
                    obj,
                    "per",
                    new[] { ("second", 1L), ("minute", 60L), ("hour", 3600L), ("day", 86400L) },
                    "rate limit window"
                );
                var window = seconds ?? per ?? 60;
                return requests is null
                    ? null
                    : new RateLimitSpec(
                        (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, requests.Value)),
                        (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, window))
                    );
            case { } other:
                context.Report(
                    DiagnosticDescriptors.WrongValueType,
                    other,
                    "rate_limit",
                    "a number (requests per minute) or an object",
                    DocContext.Describe(other)
                );
                return null;
        }
    }

    private static OperationSpec? ReadEndpoint(DocContext context, SchemaReader schemas, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, EndpointKeys, "an endpoint");
        var name = context.String(obj, "name", required: true, where: "an endpoint");
        var method = context.OneOf(obj, "method", HttpMethods, "HTTP method", required: true, where: "an endpoint");
        var path = context.String(obj, "path", required: true, where: "an endpoint");

        // Read to the end even when the endpoint cannot be generated, so the rest of it is checked in the same build.
        var typePrefix = Naming.ToPascal(name ?? "", "Endpoint");
        var contentTypeText = context.String(obj, "content_type");
        var parameters = ReadList(context, obj, "parameters", (o, p) => ReadParameter(context, schemas, o, pointer + p, typePrefix))
            .ToList();

        BodySpec? body = null;
        var templateNode = obj.Get("body_template");
        if (
            templateNode is not null
            && context.AsString(templateNode, "body_template") is { } template
            && templateNode is DocScalar templateScalar
        )
        {
            body = ReadTemplate(context, templateScalar, template, parameters, pointer + "/body_template", contentTypeText);
        }
        else if (context.Object(obj, "request_body") is { } requestBody)
        {
            context.CheckKeys(requestBody, RequestBodyKeys, "a request body");
            var contentType =
                context.Enum(
                    requestBody,
                    "content_type",
                    new[]
                    {
                        ("json", BodyKind.Json),
                        ("form", BodyKind.Form),
                        ("multipart", BodyKind.Multipart),
                        ("binary", BodyKind.Binary),
                        ("text", BodyKind.Text),
                    },
                    "request body content type"
                ) ?? BodyKind.Json;
            body = new BodySpec
            {
                Kind = contentType,
                ContentType = contentType switch
                {
                    BodyKind.Form => "application/x-www-form-urlencoded",
                    BodyKind.Multipart => "multipart/form-data",
                    BodyKind.Binary => "application/octet-stream",
                    BodyKind.Text => "text/plain",
                    _ => "application/json",
                },
                Type = contentType switch
                {
                    BodyKind.Binary => new TypeRef(TypeKind.Stream),
                    BodyKind.Text => TypeRef.String,
                    _ => requestBody.Get("schema") is { } schema ? schemas.Read(schema, typePrefix + "Request") : TypeRef.Any,
                },
                Required = context.Bool(requestBody, "required") ?? true,
                Description = context.String(requestBody, "description"),
                Pointer = pointer + "/request_body",
            };
        }
        else if (parameters.Any(p => p.Location == ParameterLocation.Body))
        {
            body = new BodySpec { Kind = BodyKind.JsonFields, Pointer = pointer };
        }

        var responseNode = obj.Get("response");
        var responseType = responseNode is null ? null : schemas.Read(responseNode, typePrefix + "Response");
        var responseKind =
            context.Enum(obj, "response_type", ResponseKinds, "response type")
            ?? (responseType is null ? ResponseKind.None : ResponseKind.Json);
        var streamFormat = context.Enum(obj, "stream_format", StreamFormats, "stream format");
        if (streamFormat is not null)
        {
            // The plain method returns the stream; the event type is the response schema.
            responseKind = ResponseKind.Stream;
        }

        var auth = ImmutableArray.CreateBuilder<string>();
        var anonymous = false;
        if (obj.Get("auth") is { } authNode)
        {
            if (authNode is DocScalar { Kind: ScalarKind.String, Text: "none" })
            {
                anonymous = true;
            }
            else if (context.AsArray(authNode, "auth") is { } keys)
            {
                foreach (var key in keys.Items)
                {
                    if (context.AsString(key, "auth item") is { } k)
                    {
                        auth.Add(k);
                    }
                }
            }
        }

        var operation = new OperationSpec
        {
            Name = name ?? "",
            Summary = context.String(obj, "summary"),
            Description = context.String(obj, "description"),
            Method = method ?? "",
            Path = path ?? "",
            Parameters = parameters.ToEquatableArray(),
            Body = body,
            Response = new ResponseSpec
            {
                Kind = responseKind,
                Type = responseKind switch
                {
                    ResponseKind.Json => responseType ?? TypeRef.Any,
                    ResponseKind.Text => TypeRef.String,
                    ResponseKind.Stream => new TypeRef(TypeKind.Stream),
                    _ => null,
                },
            },
            Group = context.String(obj, "group"),
            Deprecated = context.Bool(obj, "deprecated") ?? false,
            AuthMethods = auth.ToImmutable(),
            Anonymous = anonymous,
            Streaming = streamFormat is { } format ? new StreamingSpec(format, responseType ?? TypeRef.Any) : null,
            Pagination = obj.Get("pagination") is { } paging ? PaginationReader.Read(context, paging, pointer + "/pagination") : null,
            Pointer = pointer,
        };
        return name is null || method is null || path is null ? null : operation;
    }

    /// <summary>Parses a body template; its variables become body parameters (typed when declared with "in": "body").</summary>
    internal static BodySpec? ReadTemplate(
        DocContext context,
        DocScalar node,
        string template,
        List<ParameterSpec> parameters,
        string pointer,
        string? contentType
    )
    {
        var parsed = BodyTemplateParser.Parse(template);
        if (parsed.Error is not null)
        {
            var start = context.File.OffsetInString(node, parsed.ErrorIndex);
            var end = context.File.OffsetInString(node, parsed.ErrorIndex + parsed.ErrorLength);
            context.Diagnostics.Add(
                DiagnosticInfo.Create(DiagnosticDescriptors.InvalidBodyTemplate, context.File.Locate(start, end - start), parsed.Error)
            );
            return null;
        }

        foreach (var variable in parsed.Variables)
        {
            if (!parameters.Any(p => p.Location == ParameterLocation.Body && p.Name == variable))
            {
                var segment = parsed.Segments.First(s => s.Variable == variable);
                parameters.Add(
                    new ParameterSpec
                    {
                        Name = variable,
                        Location = ParameterLocation.Body,
                        Type = TypeRef.String,
                        Required = segment.Default is null,
                        Default = segment.Default,
                        Pointer = pointer,
                    }
                );
            }
        }

        return new BodySpec
        {
            Kind = BodyKind.Template,
            ContentType = contentType ?? "application/json",
            Template = parsed.Segments,
            Pointer = pointer,
        };
    }

    private static ParameterSpec? ReadParameter(DocContext context, SchemaReader schemas, DocObject obj, string pointer, string typePrefix)
    {
        context.CheckKeys(obj, ParameterKeys, "a parameter");
        var name = context.String(obj, "name", required: true, where: "a parameter");
        var location = context.Enum(obj, "in", ParameterLocations, "parameter location", required: true, where: "a parameter");

        // Shorthand ("type", "format", "enum", "items" on the parameter itself) and "schema" are the same thing; with
        // both, the schema gives the type and the shorthand is still checked, so neither hides a mistake.
        var typeName = typePrefix + Naming.ToPascal(name ?? "", "Parameter");
        var schemaNode = obj.Get("schema");
        TypeRef type;
        if (schemaNode is not null)
        {
            type = schemas.Read(schemaNode, typeName);
            foreach (var key in ShorthandKeys)
            {
                if (obj.Find(key) is { } both)
                {
                    context.ReportKey(
                        DiagnosticDescriptors.ValueOutOfRange,
                        both,
                        key,
                        "cannot be given next to \"schema\": the parameter's type is in one place or the other"
                    );
                }
            }
        }
        else if (obj.Get("type") is not null || obj.Get("enum") is not null)
        {
            type = schemas.Read(obj, typeName, checkKeys: false);
        }
        else
        {
            // An untyped parameter is a string; what else it says is still checked.
            context.String(obj, "format");
            if (obj.Get("items") is { } items)
            {
                context.AsObject(items, "items");
            }

            type = TypeRef.String;
        }

        // The default is a value of the parameter's type, checked as written: "30" is not the integer 30.
        var typeSource = schemaNode as DocObject ?? obj;
        var defaultNode = obj.Get("default");
        var untyped = schemaNode is null && obj.Get("type") is null && obj.Get("enum") is null;
        var defaultText = defaultNode is null ? null : schemas.CheckValue(defaultNode, typeSource, "default", untyped ? "string" : null);
        var constant = context.Scalar(obj, "value", ScalarKind.String, ScalarKind.Number, ScalarKind.Boolean);
        var required = context.Bool(obj, "required") ?? false;
        var constraints = schemas.ReadConstraints(obj);
        schemas.CheckConstraints(obj, constraints);
        var parameter = new ParameterSpec
        {
            Name = name ?? "",
            Location = location ?? ParameterLocation.Query,
            Type = type,
            Required = location == ParameterLocation.Path || required,
            Description = context.String(obj, "description"),
            Default = defaultText,
            Constant = string.IsNullOrEmpty(constant) ? null : constant,
            Style =
                context.Enum(
                    obj,
                    "style",
                    new[]
                    {
                        ("form", ParameterStyle.Form),
                        ("spaceDelimited", ParameterStyle.SpaceDelimited),
                        ("pipeDelimited", ParameterStyle.PipeDelimited),
                        ("deepObject", ParameterStyle.DeepObject),
                        ("simple", ParameterStyle.Simple),
                    },
                    "parameter style"
                ) ?? ParameterStyle.Form,
            Explode = context.Bool(obj, "explode") ?? true,
            Constraints = constraints,
            Pointer = pointer,
        };
        return name is null || location is null ? null : parameter;
    }
}
