using System.Collections.Immutable;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Servers become the templated base URL; security schemes become auth methods.</summary>
internal sealed class OpenApiConnection
{
    /// <summary>Name of the variable that stands for the host when the document gives no absolute server URL.</summary>
    internal const string HostVariable = "host";

    private static readonly Regex ServerVariable = TemplateSyntax.PathParameter;
    private static readonly Regex HostValue = new(@"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$", RegexOptions.CultureInvariant);
    private static readonly Regex PortValue = new(@"^[0-9]{1,5}$", RegexOptions.CultureInvariant);
    private static readonly Regex PathValue = new(@"^[A-Za-z0-9._~-]+$", RegexOptions.CultureInvariant);

    private readonly OpenApiContext _context;

    public OpenApiConnection(OpenApiContext context) => _context = context;

    private ApiDocument Document => _context.Main;

    /// <summary>The base URL with <c>{{variable}}</c> placeholders, and its variables.</summary>
    public (string BaseUrl, ImmutableArray<VariableSpec> Variables) ReadServer()
    {
        return _context.IsV2 ? ReadV2Server() : ReadV3Server();
    }

    private (string, ImmutableArray<VariableSpec>) ReadV2Server()
    {
        var root = Document.Root;
        var host = Document.Get(root, "host") is DocScalar { Kind: ScalarKind.String } h ? h.Text.Trim().TrimEnd('/') : null;
        var basePath = Document.Get(root, "basePath") is DocScalar { Kind: ScalarKind.String } b ? b.Text.Trim() : "";
        var scheme = "https";
        if (Document.Get(root, "schemes") is DocArray schemes)
        {
            var names = schemes.Items.OfType<DocScalar>().Select(s => s.Text.ToLowerInvariant()).ToList();
            scheme =
                names.Contains("https") ? "https"
                : names.Contains("http") ? "http"
                : "https";
        }

        if (basePath.Length > 0 && basePath[0] != '/')
        {
            basePath = "/" + basePath;
        }

        if (string.IsNullOrEmpty(host))
        {
            return ("https://{{" + HostVariable + "}}" + basePath.TrimEnd('/'), ImmutableArray.Create(HostSpec("/host")));
        }

        return (scheme + "://" + host + basePath.TrimEnd('/'), ImmutableArray<VariableSpec>.Empty);
    }

    private (string, ImmutableArray<VariableSpec>) ReadV3Server()
    {
        if (
            Document.Get(Document.Root, "servers") is not DocArray { Items.Count: > 0 } servers
            || servers.Items[0] is not DocObject server
            || Document.Get(server, "url") is not DocScalar { Kind: ScalarKind.String } urlNode
        )
        {
            return ("https://{{" + HostVariable + "}}", ImmutableArray.Create(HostSpec("/servers")));
        }

        var (url, variables) = Template(server, urlNode.Text.Trim(), "/servers/0");
        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            url = "https:" + url;
        }
        else if (
            !url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        )
        {
            // A relative server URL is relative to where the document is served: the host becomes a connection value.
            url = "https://{{" + HostVariable + "}}" + (url.StartsWith("/", StringComparison.Ordinal) ? url : "/" + url);
            variables = variables.Add(HostSpec("/servers/0/url"));
        }

        return (url.Length > 8 ? url.TrimEnd('/') : url, variables);
    }

    /// <summary>Turns <c>{name}</c> server variables into <c>{{name}}</c>; a default that could not be a safe value is written in.</summary>
    public (string Url, ImmutableArray<VariableSpec> Variables) Template(
        DocObject server,
        string url,
        string pointer,
        bool writeInDefaults = false
    )
    {
        var declared = Document.Get(server, "variables") as DocObject;
        var variables = ImmutableArray.CreateBuilder<VariableSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityEnd =
            schemeEnd < 0 ? 0
            : url.IndexOfAny(new[] { '/', '?', '#' }, schemeEnd + 3) is var e and >= 0 ? e
            : url.Length;
        var result = ServerVariable.Replace(
            url,
            match =>
            {
                var name = match.Groups[1].Value;
                var definition = declared is null ? null : Document.Get(declared, name) as DocObject;
                var defaultValue =
                    definition is not null && Document.Get(definition, "default") is DocScalar { Kind: not ScalarKind.Null } d
                        ? d.Text
                        : null;
                var part =
                    schemeEnd >= 0 && match.Index < schemeEnd ? "scheme"
                    : schemeEnd >= 0 && match.Index < authorityEnd ? (url.LastIndexOf(':', match.Index) > schemeEnd + 2 ? "port" : "host")
                    : "path";
                var valid =
                    defaultValue is null
                    || part switch
                    {
                        "host" => HostValue.IsMatch(defaultValue),
                        "port" => PortValue.IsMatch(defaultValue),
                        "path" => PathValue.IsMatch(defaultValue) && defaultValue is not "." and not "..",
                        _ => false,
                    };
                if (!valid || part is "scheme" or "port" || writeInDefaults)
                {
                    // Values are validated per URL part at run time; a default such as "v1/api" cannot be one, and a scheme or
                    // port is not worth a connection value, so those are written in.
                    return defaultValue ?? (part == "scheme" ? "https" : "");
                }

                if (seen.Add(name))
                {
                    var enumValues =
                        definition is not null && Document.Get(definition, "enum") is DocArray values
                            ? values.Items.OfType<DocScalar>().Select(v => Regex.Escape(v.Text)).ToList()
                            : new List<string>();
                    variables.Add(
                        new VariableSpec
                        {
                            Name = name,
                            Description =
                                definition is not null
                                && Document.Get(definition, "description") is DocScalar { Kind: ScalarKind.String } description
                                    ? description.Text
                                    : null,
                            Default = defaultValue,
                            Pattern = enumValues.Count > 0 ? string.Join("|", enumValues) : null,
                            Pointer = pointer + "/variables/" + Pointer.Escape(name),
                        }
                    );
                }

                return "{{" + name + "}}";
            }
        );
        return (result, variables.ToImmutable());
    }

    private static VariableSpec HostSpec(string pointer) =>
        new()
        {
            Name = HostVariable,
            Description = "Host name of the API server (the OpenAPI document gives no absolute server URL).",
            Pointer = pointer,
        };

    /// <summary>Security schemes in the order the document prefers them (its top-level requirement first).</summary>
    public ImmutableArray<AuthMethodSpec> ReadSecurity(string baseUrl)
    {
        var (schemes, pointer) = _context.IsV2
            ? (Document.Get(Document.Root, "securityDefinitions") as DocObject, "/securityDefinitions")
            : (
                Document.Get(Document.Root, "components") is DocObject c ? Document.Get(c, "securitySchemes") as DocObject : null,
                "/components/securitySchemes"
            );
        if (schemes is null)
        {
            return ImmutableArray<AuthMethodSpec>.Empty;
        }

        var preferred = Requirements(Document.Root).SelectMany(r => r).Distinct().ToList();
        var methods = new List<AuthMethodSpec>();
        var schemesSite = new Site(Document, schemes, pointer);
        foreach (var property in schemes.Properties)
        {
            var site = schemesSite.Child(property.Name)!.Value;
            if (!_context.TryResolve(site, out var target) || target.Node is not DocObject scheme)
            {
                continue;
            }

            if (ReadScheme(property.Name, new Site(target.Document, scheme, site.Pointer), baseUrl) is { } method)
            {
                methods.Add(method);
            }
        }

        var ordered = methods
            .OrderBy(m => preferred.IndexOf(m.Key) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(m => methods.IndexOf(m))
            .ToList();
        if (ordered.Count > 0)
        {
            ordered[0] = ordered[0] with { IsDefault = true };
        }

        return ordered.ToImmutableArray();
    }

    /// <summary>The scheme names of each requirement object of a <c>security</c> array (AND within, OR between).</summary>
    public List<List<string>> Requirements(DocObject owner)
    {
        var result = new List<List<string>>();
        if (Document.Get(owner, "security") is not DocArray requirements)
        {
            return result;
        }

        foreach (var item in requirements.Items)
        {
            if (item is DocObject requirement)
            {
                if (requirement.Properties.Count > 1)
                {
                    _context.Unsupported(
                        Document,
                        requirement,
                        "a security requirement that combines several schemes (only one scheme is applied per request)"
                    );
                }

                result.Add(requirement.Properties.Select(p => p.Name).ToList());
            }
        }

        return result;
    }

    private AuthMethodSpec? ReadScheme(string key, Site site, string baseUrl)
    {
        var scheme = (DocObject)site.Node;
        var document = site.Document;
        string? Text(string name) => document.Get(scheme, name) is DocScalar { Kind: ScalarKind.String } s ? s.Text : null;
        var type = Text("type")?.ToLowerInvariant();
        var description = Text("description");
        switch (type)
        {
            case "apikey":
            {
                var name = Text("name");
                if (string.IsNullOrEmpty(name))
                {
                    _context.Warn(document, scheme, "API key scheme '" + key + "' has no 'name'; it is skipped");
                    return null;
                }

                var location = Text("in")?.ToLowerInvariant() switch
                {
                    "query" => ApiKeyLocation.Query,
                    "cookie" => ApiKeyLocation.Cookie,
                    _ => ApiKeyLocation.Header,
                };
                return new AuthMethodSpec
                {
                    Key = key,
                    Kind = AuthKind.ApiKey,
                    Description = description,
                    Location = location,
                    HeaderName = location == ApiKeyLocation.Header ? name : null,
                    ParameterName = location == ApiKeyLocation.Header ? null : name,
                    TokenField = key,
                    Fields = EquatableArray.Create(Field(key, "API key (" + name + ")", site.Pointer)),
                    Pointer = site.Pointer,
                };
            }

            case "basic":
                return Basic(key, description, site.Pointer);
            case "http":
            {
                var httpScheme = Text("scheme")?.ToLowerInvariant();
                if (httpScheme == "basic")
                {
                    return Basic(key, description, site.Pointer);
                }

                if (httpScheme == "bearer")
                {
                    return Bearer(
                        key,
                        description ?? (Text("bearerFormat") is { } format ? "Bearer token (" + format + ")." : null),
                        site.Pointer
                    );
                }

                _context.Unsupported(document, scheme, "the HTTP auth scheme '" + (httpScheme ?? "") + "' (only basic and bearer are)");
                return null;
            }

            case "oauth2":
                return OAuth(key, site, description, baseUrl);
            case "openidconnect":
            {
                // Its endpoints are in a discovery document that is not fetched at build time: the method takes the
                // access token a login produced.
                var url = Text("openIdConnectUrl");
                _context.Unsupported(document, scheme, "OpenID Connect discovery (the method takes an access token instead)");
                return Bearer(
                    key,
                    (description is null ? "" : description + "\n")
                        + "OpenID Connect access token"
                        + (url is null ? "" : "; discovery document: " + url)
                        + ".",
                    site.Pointer
                );
            }

            case "mutualtls":
                _context.Unsupported(document, scheme, "mutualTLS security (configure the client certificate on the HTTP handler)");
                return null;
            default:
                _context.Warn(document, scheme, "security scheme '" + key + "' has an unknown type '" + (type ?? "") + "'; it is skipped");
                return null;
        }
    }

    private static FieldSpec Field(string name, string label, string pointer, bool secret = true, bool required = true) =>
        new()
        {
            Name = name,
            Label = label,
            InputType = secret ? FieldInputType.Password : FieldInputType.Text,
            Required = required,
            Pointer = pointer,
        };

    /// <summary>A basic scheme; its two values are named as the scheme's name or description calls them (see <see cref="CredentialNames.BasicFields"/>).</summary>
    private static AuthMethodSpec Basic(string key, string? description, string pointer)
    {
        var (user, password) = CredentialNames.BasicFields(key, description);
        return new()
        {
            Key = key,
            Kind = AuthKind.Basic,
            Description = description,
            UsernameField = user.Name,
            PasswordField = password.Name,
            Fields = EquatableArray.Create(
                Field(user.Name, user.Label, pointer, secret: false),
                Field(password.Name, password.Label, pointer)
            ),
            Pointer = pointer,
        };
    }

    private static AuthMethodSpec Bearer(string key, string? description, string pointer) =>
        new()
        {
            Key = key,
            Kind = AuthKind.Bearer,
            Description = description,
            TokenField = "token",
            Fields = EquatableArray.Create(Field("token", "Access token", pointer)),
            Pointer = pointer,
        };

    private AuthMethodSpec? OAuth(string key, Site site, string? description, string baseUrl)
    {
        var scheme = (DocObject)site.Node;
        var document = site.Document;
        var flows = new List<(string Grant, DocObject Flow, string Pointer)>();
        if (_context.IsV2)
        {
            var flow = document.Get(scheme, "flow") is DocScalar { Kind: ScalarKind.String } f ? f.Text : "";
            var grant = flow switch
            {
                "accessCode" => "authorization_code",
                "application" => "client_credentials",
                "password" => "password",
                "implicit" => "implicit",
                _ => "",
            };
            flows.Add((grant, scheme, site.Pointer));
        }
        else if (document.Get(scheme, "flows") is DocObject flowsObject)
        {
            foreach (var property in flowsObject.Properties)
            {
                if (property.Value is DocObject flow)
                {
                    var grant = property.Name switch
                    {
                        "authorizationCode" => "authorization_code",
                        "clientCredentials" => "client_credentials",
                        "password" => "password",
                        "implicit" => "implicit",
                        _ => "",
                    };
                    flows.Add((grant, flow, site.Pointer + "/flows/" + Pointer.Escape(property.Name)));
                }
            }
        }

        var usable = flows.Where(f => f.Grant is "authorization_code" or "client_credentials" or "password").ToList();
        if (usable.Count == 0)
        {
            // The implicit flow hands the browser a token; a server-side client can only be given that token.
            if (flows.Any(f => f.Grant == "implicit"))
            {
                _context.Unsupported(document, scheme, "the OAuth 2.0 implicit flow (the method takes an access token instead)");
            }
            else
            {
                _context.Warn(document, scheme, "OAuth scheme '" + key + "' declares no flow; it takes an access token");
            }

            return Bearer(key, description, site.Pointer);
        }

        if (flows.Any(f => f.Grant == "implicit"))
        {
            _context.Unsupported(document, scheme, "the OAuth 2.0 implicit flow (the other flows of the scheme are used)");
        }

        string? Url(string name) =>
            usable
                .Select(f => document.Get(f.Flow, name) is DocScalar { Kind: ScalarKind.String } s ? Absolute(s.Text, baseUrl) : null)
                .FirstOrDefault(u => u is not null);
        var scopes = new List<OAuthScopeSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flow in usable)
        {
            if (document.Get(flow.Flow, "scopes") is DocObject scopeObject)
            {
                foreach (var scope in scopeObject.Properties)
                {
                    if (seen.Add(scope.Name))
                    {
                        scopes.Add(
                            new OAuthScopeSpec(scope.Name, scope.Value is DocScalar { Kind: ScalarKind.String } d ? d.Text : null, false)
                        );
                    }
                }
            }
        }

        var grants = usable.Select(f => f.Grant).Distinct().ToList();
        var refresh = Url("refreshUrl");
        if (grants.Contains("authorization_code") || refresh is not null)
        {
            grants.Add("refresh_token");
        }

        var tokenUrl = Url("tokenUrl");
        var authorizeUrl = Url("authorizationUrl");
        if (tokenUrl is null || (grants.Contains("authorization_code") && authorizeUrl is null))
        {
            _context.Warn(
                document,
                scheme,
                "OAuth scheme '"
                    + key
                    + "' lacks "
                    + (tokenUrl is null ? "'tokenUrl'" : "'authorizationUrl'")
                    + "; it takes an access token"
            );
            return Bearer(key, description, site.Pointer);
        }

        return new AuthMethodSpec
        {
            Key = key,
            Kind = AuthKind.OAuth2,
            Description = description,
            OAuth = new OAuthSpec
            {
                AuthorizeUri = authorizeUrl,
                TokenUri = tokenUrl,
                RefreshUri = refresh,
                Scopes = scopes.ToEquatableArray(),
                GrantTypes = grants.ToEquatableArray(),
                Pointer = usable[0].Pointer,
            },
            Pointer = site.Pointer,
        };
    }

    /// <summary>OAuth URLs may be relative to the server URL.</summary>
    private static string Absolute(string url, string baseUrl)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var schemeEnd = baseUrl.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return url;
        }

        if (url.StartsWith("/", StringComparison.Ordinal))
        {
            var authorityEnd = baseUrl.IndexOf('/', schemeEnd + 3);
            return (authorityEnd < 0 ? baseUrl : baseUrl.Substring(0, authorityEnd)) + url;
        }

        return baseUrl.TrimEnd('/') + "/" + url;
    }
}
