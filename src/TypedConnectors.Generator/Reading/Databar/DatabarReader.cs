using System.Collections.Immutable;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading.Canonical;

namespace TypedConnectors.Generator.Reading.Databar;

/// <summary>
/// Reads a Databar custom connector payload (the body of <c>POST /v1/connectors/</c>, or a connector the API returned):
/// one HTTP endpoint with name/value lists for headers, query parameters and body fields. Recognised by <c>url</c> and
/// <c>method</c> at the root.
/// </summary>
/// <remarks>
/// An entry with an empty value is something each call supplies (a required parameter); an entry with a value is
/// a default the caller may override, except headers, whose values are constants. A credential written into a
/// header (<c>Authorization: Bearer sk-…</c>) is reported and becomes an auth method with a secret field instead,
/// so the generated connection asks for the real token and the literal is never sent.
/// </remarks>
internal sealed class DatabarReader : IConnectorReader
{
    // "id" and "created_at" appear when the payload is a connector the Databar API returned.
    internal static readonly string[] RootKeys =
    {
        "name",
        "type",
        "method",
        "url",
        "headers",
        "parameters",
        "body",
        "body_template",
        "rate_limit",
        "max_concurrency",
        "id",
        "created_at",
    };

    internal static readonly string[] NameValueKeys = { "name", "value" };

    private static readonly (string, ConnectorKind)[] Kinds =
    {
        ("simple", ConnectorKind.Simple),
        ("enrichment", ConnectorKind.Enrichment),
        ("exporter", ConnectorKind.Exporter),
    };

    private static readonly Regex AuthorizationValue = new(
        @"^\s*(?<scheme>[A-Za-z][A-Za-z0-9_-]*)\s+(?<credential>\S.*?)\s*$",
        RegexOptions.CultureInvariant
    );
    private static readonly Regex CredentialHeaderName = new(
        @"(^|[-_])(api[-_]?key|apikey|token|secret|access[-_]?key|auth[-_]?token)($|[-_])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    );

    public string Dialect => "databar";

    public bool Recognizes(DocObject root) => root.Find("url") is not null && root.Find("method") is not null;

    public ConnectorSpec? Read(DocContext context, DocObject root)
    {
        context.CheckKeys(root, RootKeys, "a Databar connector");
        var name = context.String(root, "name", required: true, where: "a Databar connector") ?? "";
        var method = context.OneOf(
            root,
            "method",
            CanonicalReader.HttpMethods,
            "HTTP method",
            required: true,
            where: "a Databar connector"
        );
        var url = context.String(root, "url", required: true, where: "a Databar connector");
        _ = context.Integer(root, "id");
        _ = context.String(root, "created_at");

        // Databar's own default for a connector without a type.
        var kind = context.Enum(root, "type", Kinds, "connector type") ?? ConnectorKind.Enrichment;
        if (method is null || url is null)
        {
            return null;
        }

        var (baseUrl, path) = SplitUrl(url);
        var parameters = new List<ParameterSpec>();
        var auth = ImmutableArray.CreateBuilder<AuthMethodSpec>();
        string? contentType = null;
        var credentialHeaders = new List<HeaderSpec>();
        foreach (var (header, pointer) in ReadNameValues(context, root, "headers"))
        {
            if (string.Equals(header.Name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = header.Value.Length > 0 ? header.Value : null;
                continue;
            }

            if (header.Value.Length > 0 && auth.Count == 0 && CredentialAuth(header, pointer) is { } credential)
            {
                // The validator checks it like every other header (TC0021 at its value); the literal itself is dropped.
                credentialHeaders.Add(new HeaderSpec(header.Name, header.Value, pointer));
                auth.Add(credential);
                continue;
            }

            parameters.Add(
                new ParameterSpec
                {
                    Name = header.Name,
                    Location = ParameterLocation.Header,
                    Type = TypeRef.String,
                    Required = header.Value.Length == 0,
                    Constant = header.Value.Length == 0 ? null : header.Value,
                    Pointer = pointer,
                }
            );
        }

        foreach (var (parameter, pointer) in ReadNameValues(context, root, "parameters"))
        {
            parameters.Add(NameValueParameter(parameter, ParameterLocation.Query, pointer));
        }

        BodySpec? body = null;
        var templateNode = root.Get("body_template");
        var template = templateNode is null ? null : context.AsString(templateNode, "body_template");
        if (template is not null && templateNode is DocScalar templateScalar)
        {
            // Databar: "When set, template variables become body params instead of 'body' list."
            body = CanonicalReader.ReadTemplate(context, templateScalar, template, parameters, "/body_template", contentType);
            if (body is null)
            {
                return null;
            }
        }
        else
        {
            foreach (var (field, pointer) in ReadNameValues(context, root, "body"))
            {
                parameters.Add(NameValueParameter(field, ParameterLocation.Body, pointer));
            }

            if (parameters.Any(p => p.Location == ParameterLocation.Body))
            {
                body = new BodySpec
                {
                    Kind = BodyKind.JsonFields,
                    ContentType = contentType ?? "application/json",
                    Pointer = "/body",
                };
            }
        }

        var operation = new OperationSpec
        {
            Name = kind switch
            {
                ConnectorKind.Enrichment => "enrich",
                ConnectorKind.Exporter => "export",
                _ => "call",
            },
            Summary = kind switch
            {
                ConnectorKind.Enrichment => "Calls the " + name + " enrichment endpoint.",
                ConnectorKind.Exporter => "Sends a row to the " + name + " exporter endpoint.",
                _ => "Calls the " + name + " endpoint.",
            },
            Method = method,
            Path = path,
            Parameters = parameters.ToEquatableArray(),
            Body = body,
            Response = new ResponseSpec
            {
                Kind = ResponseKind.Json,
                Type = TypeRef.Any,
                Description = "The endpoint's JSON response.",
            },
            Pointer = "",
        };

        return new ConnectorSpec
        {
            Name = name,
            Slug = "",
            DisplayName = name,
            Kind = kind,
            BaseUrlPointer = "/url",
            Dialect = SourceDialect.Databar,
            CredentialHeaders = credentialHeaders.ToEquatableArray(),
            BaseUrl = baseUrl,
            AuthMethods = auth.ToImmutable(),
            RateLimit = CanonicalReader.ReadRateLimit(context, root),
            MaxConcurrency = (int?)context.Integer(root, "max_concurrency"),
            Operations = ImmutableArray.Create(operation),
        };
    }

    /// <summary>
    /// Splits the endpoint URL into the connector's base URL (scheme and authority) and the operation's relative path,
    /// so a connection can point the same connector at another host (a sandbox, a test server).
    /// </summary>
    internal static (string BaseUrl, string Path) SplitUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            // Not absolute: the validator reports it against the base URL.
            return (url, "");
        }

        var authorityEnd = url.IndexOfAny(new[] { '/', '?', '#' }, schemeEnd + 3);
        return authorityEnd < 0 ? (url, "") : (url.Substring(0, authorityEnd), url.Substring(authorityEnd).TrimStart('/'));
    }

    private static ParameterSpec NameValueParameter(HeaderSpec entry, ParameterLocation location, string pointer) =>
        new()
        {
            Name = entry.Name,
            Location = location,
            Type = TypeRef.String,
            Required = entry.Value.Length == 0,
            Default = entry.Value.Length == 0 ? null : entry.Value,
            Pointer = pointer,
        };

    /// <summary>
    /// An auth method that replaces a credential written into a header: <c>Authorization: Bearer …</c> (or another
    /// scheme word) becomes Bearer auth with that scheme, <c>Authorization: Basic …</c> Basic auth, and an API-key-like
    /// header (<c>X-API-Key</c>) API-key auth in that header. The connection then asks for the secret.
    /// </summary>
    private static AuthMethodSpec? CredentialAuth(HeaderSpec header, string pointer)
    {
        var description = "Replaces the literal value of the connector's '" + header.Name + "' header with a secret of the connection.";
        if (
            string.Equals(header.Name, "Authorization", StringComparison.OrdinalIgnoreCase)
            || string.Equals(header.Name, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        )
        {
            var headerName = string.Equals(header.Name, "Authorization", StringComparison.OrdinalIgnoreCase) ? null : header.Name;
            var match = AuthorizationValue.Match(header.Value);
            if (match.Success && string.Equals(match.Groups["scheme"].Value, "Basic", StringComparison.OrdinalIgnoreCase))
            {
                return new AuthMethodSpec
                {
                    Key = "basic",
                    Kind = AuthKind.Basic,
                    DisplayName = header.Name + " header",
                    Description = description,
                    HeaderName = headerName,
                    UsernameField = "username",
                    PasswordField = "password",
                    Fields = EquatableArray.Create(
                        new FieldSpec
                        {
                            Name = "username",
                            Label = "Username",
                            Pointer = pointer + "/value",
                        },
                        new FieldSpec
                        {
                            Name = "password",
                            Label = "Password",
                            InputType = FieldInputType.Password,
                            Pointer = pointer + "/value",
                        }
                    ),
                    Pointer = pointer,
                };
            }

            var scheme = match.Success ? match.Groups["scheme"].Value : null;
            return new AuthMethodSpec
            {
                Key = match.Success ? "bearer" : "api_key",
                Kind = match.Success ? AuthKind.Bearer : AuthKind.ApiKey,
                DisplayName = header.Name + " header",
                Description = description,
                HeaderName = match.Success ? headerName : header.Name,

                // "Bearer" is the runtime's default scheme; any other scheme word (Token, Bot, ...) is kept as written.
                Prefix = scheme is null || string.Equals(scheme, "Bearer", StringComparison.Ordinal) ? null : scheme,
                Location = ApiKeyLocation.Header,
                TokenField = "token",
                Fields = EquatableArray.Create(
                    new FieldSpec
                    {
                        Name = "token",
                        Label = header.Name,
                        Hint = scheme is null
                            ? "The value of the '" + header.Name + "' header."
                            : "The credential sent after '" + scheme + " ' in the '" + header.Name + "' header.",
                        InputType = FieldInputType.Password,
                        Pointer = pointer + "/value",
                    }
                ),
                Pointer = pointer,
            };
        }

        if (CredentialHeaderName.IsMatch(header.Name))
        {
            return new AuthMethodSpec
            {
                Key = "api_key",
                Kind = AuthKind.ApiKey,
                DisplayName = header.Name + " header",
                Description = description,
                HeaderName = header.Name,
                Location = ApiKeyLocation.Header,
                TokenField = "api_key",
                Fields = EquatableArray.Create(
                    new FieldSpec
                    {
                        Name = "api_key",
                        Label = header.Name,
                        Hint = "The value of the '" + header.Name + "' header.",
                        InputType = FieldInputType.Password,
                        Pointer = pointer + "/value",
                    }
                ),
                Pointer = pointer,
            };
        }

        return null;
    }

    private static List<(HeaderSpec Entry, string Pointer)> ReadNameValues(DocContext context, DocObject root, string key)
    {
        var result = new List<(HeaderSpec, string)>();
        if (context.Array(root, key) is not { } array)
        {
            return result;
        }

        for (var i = 0; i < array.Items.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (context.AsObject(array.Items[i], key + " item") is not { } item)
            {
                continue;
            }

            context.CheckKeys(item, NameValueKeys, "a name/value entry");
            var pointer = "/" + key + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (context.String(item, "name", required: true, where: "a name/value entry") is { Length: > 0 } entryName)
            {
                result.Add((new HeaderSpec(entryName, context.String(item, "value", allowScalars: true) ?? "", pointer), pointer));
            }
        }

        return result;
    }
}
