using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>The <c>openapi</c> dialect: OpenAPI 2.0 (Swagger), 3.0 and 3.1 documents, JSON or YAML.</summary>
internal sealed class OpenApiConnectorReader : IConnectorReader
{
    public string Dialect => "openapi";

    public bool Recognizes(DocObject root) => OpenApiReader.VersionOf(root, out _) is not null;

    public ConnectorSpec? Read(DocContext context, DocObject root) => OpenApiReader.Read(context, root, context.Documents);
}

/// <summary>
/// Reads an OpenAPI document into the connector model. The document's own tree (with positions) is the source of truth,
/// so every element points back at its JSON pointer; Microsoft.OpenApi reads it alongside (in the analyzer, see
/// <see cref="DocContext.MicrosoftOpenApiValidation"/>) and its findings are reported.
/// </summary>
internal static class OpenApiReader
{
    private static readonly string[] NameSuffixes =
    {
        ".openapi.json",
        ".openapi.yaml",
        ".openapi.yml",
        ".swagger.json",
        ".swagger.yaml",
        ".swagger.yml",
    };

    /// <summary>The OpenAPI version the root declares; <paramref name="declared"/> is the version text, even when unsupported.</summary>
    public static OpenApiVersion? VersionOf(DocObject root, out string? declared)
    {
        declared = null;
        if (root.Get("openapi") is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } openapi)
        {
            declared = openapi.Text;
            if (openapi.Text.StartsWith("3.0", StringComparison.Ordinal))
            {
                return OpenApiVersion.V30;
            }

            if (openapi.Text.StartsWith("3.1", StringComparison.Ordinal) || openapi.Text.StartsWith("3.2", StringComparison.Ordinal))
            {
                return OpenApiVersion.V31;
            }

            return null;
        }

        if (root.Get("swagger") is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } swagger)
        {
            declared = swagger.Text;
            return swagger.Text is "2.0" or "2" ? OpenApiVersion.V2 : null;
        }

        return null;
    }

    public static ConnectorSpec? Read(DocContext context, DocObject root, DocumentSet? documents)
    {
        var version = VersionOf(root, out var declared);
        if (version is null)
        {
            var node = (DocNode?)root.Get("openapi") ?? root.Get("swagger") ?? root;
            var message = declared is null
                ? "this is not an OpenAPI document: it declares neither 'openapi: 3.x' nor 'swagger: \"2.0\"'"
                : "version '" + declared + "' is not supported; OpenAPI 2.0, 3.0 and 3.1 are";
            context.Diagnostics.Add(
                Diagnostics.DiagnosticInfo.Create(
                    Diagnostics.DiagnosticDescriptors.OpenApiError,
                    node == root ? context.File.Locate(root.Start, Math.Min(1, root.Length)) : context.File.Locate(node),
                    message
                )
            );
            return null;
        }

        var document = new ApiDocument(context, root);
        var openApi = new OpenApiContext(document, version.Value, documents);

        var schemas = new OpenApiSchemas(openApi);
        schemas.ReserveComponentNames();
        var connection = new OpenApiConnection(openApi);
        var (baseUrl, variables) = connection.ReadServer();
        var auth = connection.ReadSecurity(baseUrl);
        schemas.MapComponents();
        var operations = new OpenApiOperations(openApi, schemas, connection, auth.Select(a => a.Key)).Read();
        var (authMethods, boundOperations) = CredentialHeaderPromotion.Apply(auth, operations);
        var types = schemas.Finish();
        boundOperations = PaginationInference.Apply(boundOperations, types, context);

        // After our own reading, so that references we resolve are not reported as Microsoft.OpenApi's "missing" ones.
        if (context.MicrosoftOpenApiValidation)
        {
            MicrosoftOpenApiCheck.Run(openApi);
        }

        var info = document.Get(root, "info") as DocObject;
        string? Info(string key) =>
            info is not null
            && document.Get(info, key) is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } s
            && s.Text.Trim().Length > 0
                ? s.Text.Trim()
                : null;
        var title = Info("title");
        var fileStem = FileStem(context.File.Path);
        return new ConnectorSpec
        {
            Name = title ?? fileStem ?? "OpenAPI",
            Slug = fileStem is not null && HasOpenApiSuffix(context.File.Path) ? Naming.Slugify(fileStem) : "",
            DisplayName = title,
            Description = Info("description"),
            Version = Info("version"),
            BaseUrlPointer = root.Find("host") is not null ? "/host" : "/servers/0/url",
            Dialect = SourceDialect.OpenApi,
            BaseUrl = baseUrl,
            Variables = variables,
            AuthMethods = authMethods,
            Operations = boundOperations,
            Types = types,
        };
    }

    private static bool HasOpenApiSuffix(string path) => NameSuffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>specs/petstore.openapi.yaml</c> → <c>petstore</c>; other names lose their extension.</summary>
    internal static string? FileStem(string path)
    {
        var name = DocumentPaths.FileName(path);
        foreach (var suffix in NameSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return name.Substring(0, name.Length - suffix.Length);
            }
        }

        var dot = name.LastIndexOf('.');
        var stem = dot > 0 ? name.Substring(0, dot) : name;
        return stem.Length == 0 ? null : stem;
    }
}
