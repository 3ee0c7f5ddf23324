using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

internal sealed partial class ConnectorEmitter
{
    private const string Mcp = "global::ModelContextProtocol";
    private const string Ct = "global::System.Threading.CancellationToken cancellationToken = default";

    /// <summary>The session class an MCP connector's <c>ConnectMcpAsync</c> returns (reserved by the binder).</summary>
    private string SessionName => _spec.Names.McpSession;

    /// <summary>
    /// The MCP part of an MCP connector's client, emitted only when the compilation references ModelContextProtocol.Core:
    /// <c>ConnectMcpAsync</c> opens a streamable-HTTP session with the official SDK over the client's own HttpClient,
    /// so the connection's pipeline (auth, rate and concurrency limits, retries) applies to every MCP request.
    /// </summary>
    private GeneratedText EmitMcpFile(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var writer = Begin(_spec.Namespace);
        var connect =
            "global::System.Threading.Tasks.Task<"
            + SessionName
            + "> ConnectMcpAsync("
            + Mcp
            + ".Client.McpClientOptions? clientOptions = null, "
            + Mcp
            + ".Authentication.ClientOAuthOptions? oauth = null, global::Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, "
            + Ct
            + ")";

        // The main client file already carries [GeneratedCode] on the interface and the class.
        writer.Open("public partial interface " + InterfaceName);
        EmitConnectDocs(writer);
        writer.Line(connect + ";");
        writer.Close();
        writer.Line();

        writer.Open("public sealed partial class " + _spec.ClientName);
        writer.Line("/// <summary>The MCP server's streamable HTTP endpoint: the connection's resolved base URL.</summary>");
        writer.Open("public global::System.Uri McpEndpoint");
        writer.Open("get");
        if (_spec.BaseUrl.EndsWith("/", StringComparison.Ordinal))
        {
            writer.Line("return Connection.BaseAddress;");
        }
        else
        {
            // The connection always ends its base address with '/' so relative paths keep the base path; an MCP
            // endpoint declared without one is used as declared (servers route /mcp and /mcp/ differently).
            writer.Line("var __address = Connection.BaseAddress;");
            writer.Line("var __path = __address.AbsolutePath;");
            writer.Line(
                "return __path.Length > 1 && __path.EndsWith('/') ? new global::System.UriBuilder(__address) { Path = __path.TrimEnd('/') }.Uri : __address;"
            );
        }

        writer.Close();
        writer.Close();
        writer.Line();
        EmitConnectDocs(writer);
        writer.Open("public async " + connect);
        writer.Line("var __transportOptions = new " + Mcp + ".Client.HttpClientTransportOptions");
        writer.Line("{");
        writer.Line("    Endpoint = McpEndpoint,");
        writer.Line("    TransportMode = " + Mcp + ".Client.HttpTransportMode.StreamableHttp,");
        writer.Line("    Name = Slug,");
        writer.Line("};");
        writer.Open("if (oauth is not null)");
        writer.Line("__transportOptions.OAuth = oauth;");
        writer.Close();
        writer.Line();
        writer.Line("// The transport borrows the client's HttpClient: disposing the session leaves it open.");
        writer.Line(
            "var __transport = new "
                + Mcp
                + ".Client.HttpClientTransport(__transportOptions, HttpClient, loggerFactory, ownsHttpClient: false);"
        );
        writer.Line("clientOptions ??= new " + Mcp + ".Client.McpClientOptions();");
        writer.Line(
            "clientOptions.ClientInfo ??= new "
                + Mcp
                + ".Protocol.Implementation { Name = Slug, Version = "
                + Literals.String(_spec.Version ?? "1.0.0")
                + " };"
        );
        writer.Line(
            "var __client = await "
                + Mcp
                + ".Client.McpClient.CreateAsync(__transport, clientOptions, loggerFactory, cancellationToken).ConfigureAwait(false);"
        );
        writer.Line("return new " + SessionName + "(__client);");
        writer.Close();
        writer.Close();
        writer.Line();
        EmitSession(writer);
        EmitMcpOAuthConnection(writer);
        writer.Close();
        return writer.ToText();
    }

    /// <summary>OAuth methods of MCP servers: their tokens come from the server's own authorization server, not the runtime.</summary>
    private List<AuthMethodSpec> McpOAuthMethods => _spec.AuthMethods.Where(m => m.Kind == AuthKind.OAuth2 && m.IsMcp).ToList();

    /// <summary>
    /// For OAuth MCP servers, a connection factory whose OAuth method adds nothing, so that the MCP SDK's own OAuth 2.1
    /// flow (ConnectMcpAsync's <c>oauth</c>) authorizes the requests. The runtime otherwise insists on a handler for an
    /// OAuth method it does not manage; this one is deliberate and named for the purpose.
    /// </summary>
    private void EmitMcpOAuthConnection(SourceWriter writer)
    {
        var methods = McpOAuthMethods;
        if (methods.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Open("public sealed partial class " + ConnectionName);
        writer.Line(
            "private "
                + ConnectionName
                + "(string authMethod, global::System.Collections.Generic.IReadOnlyDictionary<string, string?> values, global::TypedConnectors.ConnectorConnectionOptions? options, __McpSdkAuthorization mcpSdkAuthorization)"
        );
        writer.Line("    : base(typeof(" + _spec.ClientName + "), authMethod, values, __secretFields, options, null, mcpSdkAuthorization)");
        writer.Line("{");
        writer.Line("}");
        foreach (var method in methods)
        {
            var name = methods.Count == 1 ? "CreateForMcpOAuth" : method.McpFactoryName;
            var values = FactoryValues(method);
            var parameters = values.Select(v => (Value: v, v.Parameter)).ToList();
            writer.Line();
            Literals.Element(
                writer,
                "summary",
                "",
                "Creates a connection for the MCP SDK's own OAuth 2.1 flow with "
                    + (method.DisplayName ?? method.Key)
                    + ": pass the SDK's ClientOAuthOptions as the oauth argument of ConnectMcpAsync. The connection adds no credential; the SDK authorizes every MCP request with the token it obtains (discovery, dynamic client registration, PKCE).",
                ""
            );
            EmitValueParameterDocs(writer, parameters);

            writer.Line(
                "/// <param name=\"options\">Time provider, retry, logging and rate-limit sharing options; defaults when null.</param>"
            );
            writer.Line("/// <returns>The connection.</returns>");
            writer.Line("/// <exception cref=\"global::System.ArgumentException\">A required value is missing or empty.</exception>");
            EmitFactoryBody(
                writer,
                name,
                parameters,
                Enumerable.Empty<string>(),
                "new "
                    + ConnectionName
                    + "("
                    + Literals.String(method.Key)
                    + ", __values, options, new __McpSdkAuthorization("
                    + Literals.String(method.Key)
                    + "))"
            );
        }

        writer.Line();
        writer.Open("private sealed class __McpSdkAuthorization : global::TypedConnectors.IAuthHandlerFactory");
        writer.Line("private readonly string _method;");
        writer.Line();
        writer.Line("public __McpSdkAuthorization(string method) => _method = method;");
        writer.Line();
        writer.Line(
            "public global::System.Net.Http.DelegatingHandler? TryCreateHandler(global::TypedConnectors.ConnectorConnection connection, global::TypedConnectors.AuthMethodDescriptor method)"
        );
        writer.Line("    => method.Key == _method ? new __PassThrough() : null;");
        writer.Line();
        writer.Line("// The SDK's transport sets the Authorization header itself; this handler only keeps the pipeline's place.");
        writer.Open("private sealed class __PassThrough : global::System.Net.Http.DelegatingHandler");
        writer.Close();
        writer.Close();
        writer.Close();
    }

    private void EmitConnectDocs(SourceWriter writer)
    {
        Literals.Element(
            writer,
            "summary",
            "",
            "Opens an MCP session with " + ConnectorTitle + " over streamable HTTP, authenticated by the connection.",
            ""
        );
        writer.Line(
            "/// <param name=\"clientOptions\">Client name, capabilities and handlers announced to the server; defaults when null.</param>"
        );
        writer.Line("/// <param name=\"oauth\">");
        writer.Line(
            "/// The MCP SDK's OAuth 2.1 flow (discovery, dynamic client registration, PKCE) for servers that issue their own tokens;"
        );
        writer.Line("/// null when the connection's auth method authenticates the requests.");
        writer.Line("/// </param>");
        writer.Line("/// <param name=\"loggerFactory\">Where the SDK logs; nowhere when null.</param>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels connecting and the initialize handshake.</param>");
        writer.Line("/// <returns>The initialised session; dispose it to end the session.</returns>");
    }

    private void EmitSession(SourceWriter writer)
    {
        var tools = "global::System.Collections.Generic.IList<" + Mcp + ".Client.McpClientTool>";
        var result = Mcp + ".Protocol.CallToolResult";
        var arguments = "global::System.Collections.Generic.IReadOnlyDictionary<string, object?>";
        var json = "global::System.Text.Json.JsonElement";
        var serializer = "global::System.Text.Json.JsonSerializer";
        // Tool arguments and results are the caller's own types in the MCP SDK's JSON conventions, not connector models.
        var options = Mcp + ".McpJsonUtilities.DefaultOptions";

        Literals.Element(writer, "summary", "", "An MCP session with " + ConnectorTitle + ": lists the server's tools and calls them.", "");
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public sealed partial class " + SessionName + " : global::System.IAsyncDisposable");
        writer.Line("internal " + SessionName + "(" + Mcp + ".Client.McpClient client)");
        writer.Line("{");
        writer.Line("    Client = client ?? throw new global::System.ArgumentNullException(nameof(client));");
        writer.Line("}");
        writer.Line();
        writer.Line("/// <summary>The SDK client, for everything beyond tools (resources, prompts, notifications).</summary>");
        writer.Line("public " + Mcp + ".Client.McpClient Client { get; }");
        writer.Line();
        writer.Line("/// <summary>Lists the tools the server offers.</summary>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels the request.</param>");
        writer.Line("/// <returns>The tools, with their names, descriptions and JSON schemas.</returns>");
        writer.Open("public async global::System.Threading.Tasks.Task<" + tools + "> ListToolsAsync(" + Ct + ")");
        writer.Line("return await Client.ListToolsAsync((" + Mcp + ".RequestOptions?)null, cancellationToken).ConfigureAwait(false);");
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>Calls a tool and returns the server's result as is, including tool errors (<c>IsError</c>).</summary>");
        writer.Line("/// <param name=\"toolName\">The tool's name.</param>");
        writer.Line("/// <param name=\"arguments\">The arguments by name; each value is serialised to JSON. None when null.</param>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        writer.Line("/// <returns>The tool's result.</returns>");
        writer.Open(
            "public async global::System.Threading.Tasks.Task<"
                + result
                + "> CallToolAsync(string toolName, "
                + arguments
                + "? arguments = null, "
                + Ct
                + ")"
        );
        writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(toolName);");
        writer.Line(
            "var __arguments = new global::System.Collections.Generic.Dictionary<string, object?>(global::System.StringComparer.Ordinal);"
        );
        writer.Open("if (arguments is not null)");
        writer.Open("foreach (var __pair in arguments)");
        writer.Line("// Serialised with the connector's JSON settings, so arguments read like the connector's other requests.");
        writer.Line(
            "__arguments[__pair.Key] = __pair.Value is null ? null : "
                + serializer
                + ".SerializeToElement(__pair.Value, __pair.Value.GetType(), "
                + options
                + ");"
        );
        writer.Close();
        writer.Close();
        writer.Line();
        writer.Line("return await Client.CallToolAsync(toolName, __arguments, null, null, cancellationToken).ConfigureAwait(false);");
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>Calls a tool with a JSON object of arguments and returns the server's result as is.</summary>");
        writer.Line("/// <param name=\"toolName\">The tool's name.</param>");
        writer.Line("/// <param name=\"arguments\">A JSON object whose properties are the arguments.</param>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        writer.Line("/// <returns>The tool's result.</returns>");
        writer.Line(
            "/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"arguments\"/> is not a JSON object.</exception>"
        );
        writer.Open(
            "public async global::System.Threading.Tasks.Task<"
                + result
                + "> CallToolAsync(string toolName, "
                + json
                + " arguments, "
                + Ct
                + ")"
        );
        writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(toolName);");
        writer.Open("if (arguments.ValueKind != global::System.Text.Json.JsonValueKind.Object)");
        writer.Line(
            "throw new global::System.ArgumentException(\"The arguments of an MCP tool call must be a JSON object.\", nameof(arguments));"
        );
        writer.Close();
        writer.Line();
        writer.Line(
            "var __arguments = new global::System.Collections.Generic.Dictionary<string, object?>(global::System.StringComparer.Ordinal);"
        );
        writer.Open("foreach (var __property in arguments.EnumerateObject())");
        writer.Line("__arguments[__property.Name] = __property.Value.Clone();");
        writer.Close();
        writer.Line();
        writer.Line("return await Client.CallToolAsync(toolName, __arguments, null, null, cancellationToken).ConfigureAwait(false);");
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line(
            "/// Calls a tool and reads its result as <typeparamref name=\"TResult\"/>: the structured content when the server sends"
        );
        writer.Line("/// one, otherwise the first text block (as JSON, or as is when <typeparamref name=\"TResult\"/> is string).");
        writer.Line("/// </summary>");
        writer.Line("/// <typeparam name=\"TResult\">Type the result is read into.</typeparam>");
        writer.Line("/// <param name=\"toolName\">The tool's name.</param>");
        writer.Line("/// <param name=\"arguments\">The arguments by name; each value is serialised to JSON. None when null.</param>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        writer.Line("/// <returns>The typed result.</returns>");
        writer.Line(
            "/// <exception cref=\""
                + Mcp
                + ".McpException\">The tool reported an error, or returned nothing readable as <typeparamref name=\"TResult\"/>.</exception>"
        );
        writer.Open(
            "public async global::System.Threading.Tasks.Task<TResult> CallToolAsync<TResult>(string toolName, "
                + arguments
                + "? arguments = null, "
                + Ct
                + ")"
        );
        writer.Line("var __result = await CallToolAsync(toolName, arguments, cancellationToken).ConfigureAwait(false);");
        writer.Line("return ReadResult<TResult>(toolName, __result);");
        writer.Close();
        writer.Line();
        writer.Line(
            "/// <summary>Reads a tool result as <typeparamref name=\"TResult\"/>, as <see cref=\"CallToolAsync{TResult}\"/> does.</summary>"
        );
        writer.Line("/// <typeparam name=\"TResult\">Type the result is read into.</typeparam>");
        writer.Line("/// <param name=\"toolName\">The tool's name, for error messages.</param>");
        writer.Line("/// <param name=\"result\">The result the server sent.</param>");
        writer.Line("/// <returns>The typed result.</returns>");
        writer.Line(
            "/// <exception cref=\""
                + Mcp
                + ".McpException\">The tool reported an error, or returned nothing readable as <typeparamref name=\"TResult\"/>.</exception>"
        );
        writer.Open("public static TResult ReadResult<TResult>(string toolName, " + result + " result)");
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(result);");
        writer.Line("string? __text = null;");
        writer.Open("foreach (var __block in result.Content)");
        writer.Open("if (__block is " + Mcp + ".Protocol.TextContentBlock __textBlock)");
        writer.Line("__text = __textBlock.Text;");
        writer.Line("break;");
        writer.Close();
        writer.Close();
        writer.Line();
        writer.Open("if (result.IsError == true)");
        writer.Line(
            "throw new " + Mcp + ".McpException(\"The MCP tool '\" + toolName + \"' reported an error: \" + (__text ?? \"(no message)\"));"
        );
        writer.Close();
        writer.Line();
        writer.Open("try");
        writer.Open("if (result.StructuredContent is { } __structured)");
        writer.Line("return " + serializer + ".Deserialize<TResult>(__structured, " + options + ")!;");
        writer.Close();
        writer.Line();
        writer.Open("if (__text is not null)");
        writer.Open("if (typeof(TResult) == typeof(string))");
        writer.Line("return (TResult)(object)__text;");
        writer.Close();
        writer.Line();
        writer.Line("return " + serializer + ".Deserialize<TResult>(__text, " + options + ")!;");
        writer.Close();
        writer.Close();
        writer.Open("catch (global::System.Text.Json.JsonException __exception)");
        writer.Line(
            "throw new "
                + Mcp
                + ".McpException(\"The result of the MCP tool '\" + toolName + \"' cannot be read as \" + typeof(TResult).Name + \": \" + __exception.Message, __exception);"
        );
        writer.Close();
        writer.Line();
        writer.Line(
            "throw new " + Mcp + ".McpException(\"The MCP tool '\" + toolName + \"' returned neither structured content nor text.\");"
        );
        writer.Close();
        writer.Line();
        writer.Line("/// <summary>Ends the session; the client's HttpClient stays open.</summary>");
        writer.Line("/// <returns>A task that completes when the session has ended.</returns>");
        writer.Line("public global::System.Threading.Tasks.ValueTask DisposeAsync() => Client.DisposeAsync();");
        writer.Close();
    }
}
