using Microsoft.CodeAnalysis;

namespace TypedConnectors.Generator.Diagnostics;

/// <summary>Every diagnostic TypedConnectors reports. Ids are stable; each has a page under docs/diagnostics.</summary>
internal static class DiagnosticDescriptors
{
    private const string HelpBase = "https://github.com/typedconnectors/typedconnectors/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor MalformedDocument = new(
        "TC0001",
        "Malformed connector file",
        "The {0} in this file cannot be read: {1}",
        "TypedConnectors.Syntax",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0001.md"
    );

    public static readonly DiagnosticDescriptor WrongRootType = new(
        "TC0002",
        "Connector file root must be an object",
        "The root of a connector file must be an object, not {0}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0002.md"
    );

    public static readonly DiagnosticDescriptor MissingRequiredKey = new(
        "TC0003",
        "Required key missing",
        "'{0}' is required here{1}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0003.md"
    );

    public static readonly DiagnosticDescriptor WrongValueType = new(
        "TC0004",
        "Value has the wrong type",
        "'{0}' must be {1}, not {2}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0004.md"
    );

    public static readonly DiagnosticDescriptor UnknownKey = new(
        "TC0005",
        "Unknown key in a platform payload",
        "'{0}' is not a known key of {1}{2}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0005.md"
    );

    public static readonly DiagnosticDescriptor InvalidEnumValue = new(
        "TC0006",
        "Value not allowed",
        "'{0}' is not a valid {1}; use one of: {2}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0006.md"
    );

    public static readonly DiagnosticDescriptor InvalidUrl = new(
        "TC0007",
        "URL must be absolute http(s)",
        "'{0}' is not an absolute http or https URL{1}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0007.md"
    );

    public static readonly DiagnosticDescriptor InsecureUrl = new(
        "TC0008",
        "Plain http URL",
        "'{0}' uses plain http for a host that is not loopback; credentials and data would travel unencrypted — use https",
        "TypedConnectors.Security",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0008.md"
    );

    public static readonly DiagnosticDescriptor UndeclaredVariable = new(
        "TC0009",
        "Template variable not declared",
        "'{{{{{0}}}}}' is used in {1} but not declared; add it to 'variables' (or to an auth method's 'fields')",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0009.md"
    );

    public static readonly DiagnosticDescriptor UnusedVariable = new(
        "TC0010",
        "Template variable not used",
        "Variable '{0}' is declared but never used in the base URL, a header or a body template",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0010.md"
    );

    public static readonly DiagnosticDescriptor DuplicateEndpoint = new(
        "TC0011",
        "Duplicate endpoint name",
        "An endpoint named '{0}' already exists; endpoint names must be unique",
        "TypedConnectors.Naming",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0011.md"
    );

    public static readonly DiagnosticDescriptor IdentifierCollision = new(
        "TC0012",
        "Names collide in C#",
        "'{0}' and '{1}' both become the C# name '{2}'; the second is generated as '{3}' — rename one to choose the name yourself",
        "TypedConnectors.Naming",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0012.md"
    );

    public static readonly DiagnosticDescriptor PathParameterNotInPath = new(
        "TC0013",
        "Path parameter not in path",
        "Path parameter '{0}' does not appear as '{{{0}}}' in the path '{1}'",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0013.md"
    );

    public static readonly DiagnosticDescriptor PathPlaceholderNotDeclared = new(
        "TC0014",
        "Path placeholder not declared",
        "The path contains '{{{0}}}' but no parameter '{0}' with \"in\": \"path\" is declared",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0014.md"
    );

    public static readonly DiagnosticDescriptor LimitBelowOne = new(
        "TC0015",
        "Limit must be at least 1",
        "'{0}' must be at least 1, not {1}",
        "TypedConnectors.Limits",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0015.md"
    );

    public static readonly DiagnosticDescriptor LengthLimitExceeded = new(
        "TC0016",
        "Value longer than the platform allows",
        "'{0}' is {1} characters long; the limit is {2}",
        "TypedConnectors.Limits",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0016.md"
    );

    public static readonly DiagnosticDescriptor SeveralDefaultAuthMethods = new(
        "TC0017",
        "More than one default auth method",
        "Auth method '{0}' is marked default, but '{1}' already is; mark exactly one method \"default\": true",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0017.md"
    );

    public static readonly DiagnosticDescriptor NoDefaultAuthMethod = new(
        "TC0018",
        "No default auth method",
        "This connector has {0} auth methods and none is marked \"default\": true; '{1}' is used when none is chosen",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0018.md"
    );

    public static readonly DiagnosticDescriptor OAuthMissingEndpoint = new(
        "TC0019",
        "OAuth configuration incomplete",
        "OAuth method '{0}' needs '{1}' for the {2} flow",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0019.md"
    );

    public static readonly DiagnosticDescriptor OAuthNoScopes = new(
        "TC0020",
        "OAuth scopes missing",
        "OAuth method '{0}' declares no scopes; add 'available_scopes' so connections request what they need",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0020.md"
    );

    public static readonly DiagnosticDescriptor LiteralCredential = new(
        "TC0021",
        "Credential written in the connector file",
        "{0} looks like a literal credential; move it to a connection secret (an auth method field with \"input_type\": \"password\")",
        "TypedConnectors.Security",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0021.md"
    );

    public static readonly DiagnosticDescriptor InvalidHeader = new(
        "TC0022",
        "Invalid HTTP header",
        "Header {0} '{1}' {2}",
        "TypedConnectors.Security",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0022.md"
    );

    public static readonly DiagnosticDescriptor InvalidBodyTemplate = new(
        "TC0023",
        "Invalid body template",
        "The body template is invalid: {0}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0023.md"
    );

    public static readonly DiagnosticDescriptor InternalError = new(
        "TC0024",
        "Internal error while processing a connector file",
        "TypedConnectors could not process '{0}' — {1}: {2} — please report this with the file attached",
        "TypedConnectors.Internal",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0024.md"
    );

    public static readonly DiagnosticDescriptor InputTooLarge = new(
        "TC0025",
        "Input exceeds a safety limit",
        "The file exceeds a safety limit: {0}",
        "TypedConnectors.Limits",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0025.md"
    );

    public static readonly DiagnosticDescriptor UnsupportedFormatVersion = new(
        "TC0026",
        "Unsupported format version",
        "format_version {0} is not supported by this version of TypedConnectors; supported: {1}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0026.md"
    );

    public static readonly DiagnosticDescriptor UnrecognizedDialect = new(
        "TC0027",
        "Connector file format not recognised",
        "This file is not a recognised connector definition: {0}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0027.md"
    );

    public static readonly DiagnosticDescriptor DuplicateKey = new(
        "TC0028",
        "Duplicate key",
        "'{0}' appears more than once in this object; the first occurrence is used",
        "TypedConnectors.Syntax",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0028.md"
    );

    public static readonly DiagnosticDescriptor ValueOutOfRange = new(
        "TC0029",
        "Value out of range",
        "'{0}' {1}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0029.md"
    );

    public static readonly DiagnosticDescriptor OpenApiError = new(
        "TC0030",
        "OpenAPI document error",
        "OpenAPI: {0}",
        "TypedConnectors.OpenApi",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0030.md"
    );

    public static readonly DiagnosticDescriptor OpenApiWarning = new(
        "TC0031",
        "OpenAPI document problem",
        "OpenAPI: {0}",
        "TypedConnectors.OpenApi",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0031.md"
    );

    public static readonly DiagnosticDescriptor OpenApiUnsupported = new(
        "TC0032",
        "OpenAPI construct not supported",
        "OpenAPI: {0} is not supported and was skipped; the rest of the document is generated",
        "TypedConnectors.OpenApi",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0032.md"
    );

    public static readonly DiagnosticDescriptor UnresolvedReference = new(
        "TC0033",
        "Reference cannot be resolved",
        "'{0}' cannot be resolved: {1}",
        "TypedConnectors.OpenApi",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0033.md"
    );

    public static readonly DiagnosticDescriptor ReferencedFileNotFound = new(
        "TC0034",
        "Referenced document not found",
        "'{0}' is not an AdditionalFile of this project; add it with <AdditionalFiles Include=\"...\" />",
        "TypedConnectors.OpenApi",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0034.md"
    );

    public static readonly DiagnosticDescriptor DuplicateAuthMethodKey = new(
        "TC0035",
        "Duplicate auth method key",
        "Another auth method already has the key '{0}'; give each auth method a distinct \"key\"",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0035.md"
    );

    public static readonly DiagnosticDescriptor UnknownCanonicalKey = new(
        "TC0036",
        "Unknown key in a connector file",
        "'{0}' is not a known key of {1}{2}",
        "TypedConnectors.Schema",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0036.md"
    );

    public static readonly DiagnosticDescriptor CustomAuthNotImplemented = new(
        "TC0040",
        "Custom auth handler missing",
        "Connector '{0}' uses custom auth method '{1}', but the project has no class implementing {2}",
        "TypedConnectors.Auth",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0040.md"
    );

    public static readonly DiagnosticDescriptor McpSdkNotReferenced = new(
        "TC0050",
        "MCP connector without the MCP SDK",
        "Connector '{0}' talks to an MCP server, but the project does not reference ModelContextProtocol.Core; only the plain HTTP proxy client was generated. Add <PackageReference Include=\"ModelContextProtocol.Core\" /> to get the MCP client.",
        "TypedConnectors.Mcp",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + "TC0050.md"
    );

    private static Dictionary<string, DiagnosticDescriptor>? _byId;

    // Built on first use, not in the type initializer: a feature's descriptor calls DeclarationError while its own type
    // initializer runs, and must not find this list half built.
    private static Dictionary<string, DiagnosticDescriptor> ByIdMap => _byId ??= BuildById();

    private static Dictionary<string, DiagnosticDescriptor> BuildById() =>
        new DiagnosticDescriptor[]
        {
            MalformedDocument,
            WrongRootType,
            MissingRequiredKey,
            WrongValueType,
            UnknownKey,
            InvalidEnumValue,
            InvalidUrl,
            InsecureUrl,
            UndeclaredVariable,
            UnusedVariable,
            DuplicateEndpoint,
            IdentifierCollision,
            PathParameterNotInPath,
            PathPlaceholderNotDeclared,
            LimitBelowOne,
            LengthLimitExceeded,
            SeveralDefaultAuthMethods,
            NoDefaultAuthMethod,
            OAuthMissingEndpoint,
            OAuthNoScopes,
            LiteralCredential,
            InvalidHeader,
            InvalidBodyTemplate,
            InternalError,
            InputTooLarge,
            UnsupportedFormatVersion,
            UnrecognizedDialect,
            DuplicateKey,
            ValueOutOfRange,
            OpenApiError,
            OpenApiWarning,
            OpenApiUnsupported,
            UnresolvedReference,
            ReferencedFileNotFound,
            DuplicateAuthMethodKey,
            UnknownCanonicalKey,
            CustomAuthNotImplemented,
            McpSdkNotReferenced,
        }
            // An operation-level feature declares its own diagnostics (Features/<Feature>/): registering the feature registers them.
            .Concat(Features.OperationFeatures.All.SelectMany(f => f.Diagnostics))
            .ToDictionary(d => d.Id, StringComparer.Ordinal);

    /// <summary>
    /// An error in what a connector file declares (category <c>TypedConnectors.Schema</c>, help page
    /// <c>docs/diagnostics/&lt;id&gt;.md</c>): the shape of an operation-level feature's own diagnostics.
    /// </summary>
    internal static DiagnosticDescriptor DeclarationError(string id, string title, string messageFormat) =>
        new(
            id,
            title,
            messageFormat,
            "TypedConnectors.Schema",
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpBase + id + ".md"
        );

    public static DiagnosticDescriptor ById(string id) => ByIdMap[id];

    public static IEnumerable<DiagnosticDescriptor> Every => ByIdMap.Values.OrderBy(d => d.Id, StringComparer.Ordinal);
}
