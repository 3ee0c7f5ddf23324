using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.Canonical;

/// <summary>Reads the project's own connector format (<c>*.connector.json</c>, format_version 1).</summary>
internal static partial class CanonicalReader
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
        "idempotency_key_header",
        "rate_limit_headers",
        "headers",
        "endpoints",
        "types",
        "openapi",
        "operations",
        "is_mcp",
    };

    internal static readonly string[] RateLimitHeaderKeys = { "remaining", "reset" };

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

    /// <summary>An endpoint's keys: the common ones, then each operation-level feature's (Features/).</summary>
    internal static readonly string[] EndpointKeys = new[]
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
    }
        .Concat(Features.OperationFeatures.EndpointKeys)
        .ToArray();

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
        }
            .Concat(Features.OperationFeatures.All.SelectMany(f => f.KeySets))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    internal static readonly (string, ConnectorKind)[] ConnectorKinds =
    {
        ("simple", ConnectorKind.Simple),
        ("enrichment", ConnectorKind.Enrichment),
        ("exporter", ConnectorKind.Exporter),
    };

    internal static readonly (string, AuthKind)[] AuthKinds = Auth.AuthKinds.Names;

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
            IdempotencyKeyHeader = context.String(root, "idempotency_key_header"),
            RateLimitHeaders = ReadRateLimitHeaders(context, root),
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

    private static RateLimitHeadersSpec? ReadRateLimitHeaders(DocContext context, DocObject root)
    {
        if (context.Object(root, "rate_limit_headers") is not { } headers)
        {
            return null;
        }

        context.CheckKeys(headers, RateLimitHeaderKeys, "rate_limit_headers");
        var remaining = context.String(headers, "remaining", required: true, where: "rate_limit_headers");
        var reset = context.String(headers, "reset", required: true, where: "rate_limit_headers");
        return remaining is null || reset is null ? null : new RateLimitHeadersSpec(remaining, reset);
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
}
