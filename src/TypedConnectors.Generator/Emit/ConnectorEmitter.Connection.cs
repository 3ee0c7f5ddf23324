using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

internal sealed partial class ConnectorEmitter
{
    /// <summary>A value the connection factory asks for: a template variable, an auth field or an account field.</summary>
    private sealed record ConnectionValue(
        string Name,
        string Identifier,
        string Parameter,
        bool Required,
        bool Secret,
        string? Default,
        string? Label,
        string? Hint
    );

    private IEnumerable<ConnectionValue> CommonValues()
    {
        foreach (var variable in _spec.Variables)
        {
            yield return new ConnectionValue(
                variable.Name,
                variable.Identifier,
                variable.Parameter,
                variable.Default is null,
                false,
                variable.Default,
                variable.Description,
                null
            );
        }

        foreach (var field in _spec.AccountFields)
        {
            yield return FromField(field);
        }
    }

    private static ConnectionValue FromField(FieldSpec field) =>
        new(
            field.Name,
            field.Identifier,
            field.Parameter,
            field.Required && field.Default is null,
            field.IsSecret,
            field.Default,
            field.Label,
            field.Hint
        );

    /// <summary>Values of one auth method's factory, de-duplicated by name (a field may also be a template variable).</summary>
    private List<ConnectionValue> FactoryValues(AuthMethodSpec? method)
    {
        var values = new List<ConnectionValue>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = (method is null ? Enumerable.Empty<ConnectionValue>() : AuthFields(method).Select(FromField)).Concat(CommonValues());
        foreach (var value in all)
        {
            if (!seen.Add(value.Name))
            {
                continue;
            }

            // A field a mutation gives a default to (e.g. a fixed Basic password) is optional.
            var mutated = method?.Mutations.Any(m => m.Field == value.Name && m.Default is not null) ?? false;
            values.Add(mutated ? value with { Required = false } : value);
        }

        return values.Where(v => v.Required).Concat(values.Where(v => !v.Required)).ToList();
    }

    private void EmitConnection(SourceWriter writer)
    {
        var secrets = _spec
            .AuthMethods.SelectMany(AuthFields)
            .Concat(_spec.AccountFields)
            .Where(f => f.IsSecret)
            .Select(f => f.Name)
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        Literals.Element(
            writer,
            "summary",
            "",
            "One authenticated connection to " + ConnectorTitle + ": the credentials and settings of one account.",
            ""
        );
        writer.Line("/// <remarks>");
        writer.Line("/// Create one per account (tenant, customer) with a <c>Create…</c> factory; each connection has its own");
        writer.Line("/// credentials, base URL and rate-limit budget. Secret values never appear in <see cref=\"object.ToString\"/>.");
        writer.Line("/// </remarks>");
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public sealed partial class " + ConnectionName + " : global::TypedConnectors.ConnectorConnection");
        writer.Line("private static readonly string[] __secretFields = { " + string.Join(", ", secrets.Select(Literals.String)) + " };");
        writer.Line();
        writer.Line(
            "private "
                + ConnectionName
                + "(string authMethod, global::System.Collections.Generic.IReadOnlyDictionary<string, string?> values, global::TypedConnectors.ConnectorConnectionOptions? options)"
        );
        writer.Line("    : base(typeof(" + _spec.ClientName + "), authMethod, values, __secretFields, options)");
        writer.Line("{");
        writer.Line("}");
        EmitAuthConnectionMembers(writer);

        var methods =
            _spec.AuthMethods.Count == 0 ? new List<AuthMethodSpec?> { null } : _spec.AuthMethods.Select(m => (AuthMethodSpec?)m).ToList();
        foreach (var method in methods)
        {
            writer.Line();
            EmitFactory(writer, method, method?.FactoryName ?? "Create");
        }

        if (_spec.AuthMethods.Count > 0)
        {
            var defaultMethod = _spec.AuthMethods.First(IsDefault);
            if (!_spec.AuthMethods.Any(m => m.FactoryName == "Create"))
            {
                writer.Line();
                EmitFactory(writer, defaultMethod, "Create", delegateTo: defaultMethod.FactoryName);
            }
        }

        var exposed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in methods.SelectMany(FactoryValues).Where(v => !v.Secret))
        {
            if (!exposed.Add(value.Name))
            {
                continue;
            }

            writer.Line();
            Literals.Element(writer, "summary", "", value.Label ?? value.Hint, "The '" + value.Name + "' value of this connection.");
            writer.Line("public string? " + value.Identifier + " => GetValue(" + Literals.String(value.Name) + ");");
        }

        writer.Close();
    }

    /// <summary>A factory; with <paramref name="delegateTo"/>, one that forwards to the factory of that name (the default method's).</summary>
    private void EmitFactory(SourceWriter writer, AuthMethodSpec? method, string name, string? delegateTo = null)
    {
        var values = FactoryValues(method);
        var parameters = values.Select(v => (Value: v, v.Parameter)).ToList();
        var what = method is null
            ? "Creates a connection."
            : "Creates a connection that authenticates with "
                + (method.DisplayName ?? method.Key)
                + " ("
                + method.Kind
                + ")"
                + (IsDefault(method) && name == "Create" ? ", the default method." : ".");
        Literals.Element(writer, "summary", "", what + (method?.Description is { } d ? "\n" + d : ""), what);
        EmitValueParameterDocs(writer, parameters);
        EmitAuthFactoryDocs(writer, method);
        writer.Line(
            "/// <param name=\"options\">Time provider, retry, logging and rate-limit sharing options; defaults when null.</param>"
        );
        writer.Line("/// <returns>The connection; its base URL has been resolved and validated.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A required value is missing or empty.</exception>");
        writer.Line(
            "/// <exception cref=\"global::TypedConnectors.ConnectorConfigurationException\">A value would change the scheme, host or path of the base URL.</exception>"
        );
        if (delegateTo is null)
        {
            EmitFactoryBody(writer, name, parameters, AuthFactoryParameters(method), AuthConstructorCall(method));
            return;
        }

        writer.Line(
            "public static "
                + ConnectionName
                + " "
                + name
                + "("
                + string.Join(", ", FactorySignature(parameters, AuthFactoryParameters(method)))
                + ")"
        );
        var arguments = parameters.Select(p => p.Parameter).Concat(AuthFactoryArguments(method)).Append("options");
        writer.Line("    => " + delegateTo + "(" + string.Join(", ", arguments) + ");");
    }

    private static IEnumerable<string> FactorySignature(
        IEnumerable<(ConnectionValue Value, string Parameter)> parameters,
        IEnumerable<string> extraParameters
    ) =>
        parameters
            .Select(p => p.Value.Required ? "string " + p.Parameter : "string? " + p.Parameter + " = " + Literals.String(p.Value.Default))
            .Concat(extraParameters)
            .Append("global::TypedConnectors.ConnectorConnectionOptions? options = null");

    private static void EmitValueParameterDocs(SourceWriter writer, IEnumerable<(ConnectionValue Value, string Parameter)> parameters)
    {
        foreach (var (value, parameter) in parameters)
        {
            var doc = string.Join(" — ", new[] { value.Label, value.Hint }.Where(t => !string.IsNullOrWhiteSpace(t)));
            Literals.Element(
                writer,
                "param",
                " name=\"" + Identifier.Bare(parameter) + "\"",
                doc.Length > 0 ? doc : null,
                "The '" + value.Name + "' value."
            );
        }
    }

    /// <summary>
    /// A <c>Create…</c> factory: connection values as string parameters (required ones checked), then
    /// <paramref name="extraParameters"/> and the options; <paramref name="construction"/> builds the connection from
    /// <c>__values</c> and <c>options</c>.
    /// </summary>
    private void EmitFactoryBody(
        SourceWriter writer,
        string name,
        IReadOnlyList<(ConnectionValue Value, string Parameter)> parameters,
        IEnumerable<string> extraParameters,
        string construction
    )
    {
        writer.Open(
            "public static " + ConnectionName + " " + name + "(" + string.Join(", ", FactorySignature(parameters, extraParameters)) + ")"
        );
        foreach (var (value, parameter) in parameters.Where(p => p.Value.Required))
        {
            writer.Line("RequireValue(" + Literals.String(value.Name) + ", " + parameter + ");");
        }

        writer.Line(
            "var __values = new global::System.Collections.Generic.Dictionary<string, string?>(global::System.StringComparer.Ordinal)"
        );
        writer.Line("{");
        foreach (var (value, parameter) in parameters)
        {
            writer.Line("    [" + Literals.String(value.Name) + "] = " + parameter + ",");
        }

        writer.Line("};");
        writer.Line("return " + construction + ";");
        writer.Close();
    }

    private void EmitServiceCollectionExtensions(SourceWriter writer)
    {
        var services = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
        var builder = "global::Microsoft.Extensions.DependencyInjection.IHttpClientBuilder";
        var extensions = "global::Microsoft.Extensions.DependencyInjection.HttpClientFactoryServiceCollectionExtensions";
        var handlers = "global::Microsoft.Extensions.DependencyInjection.HttpClientBuilderExtensions";
        Literals.Element(writer, "summary", "", "Registers the " + ConnectorTitle + " client with IHttpClientFactory.", "");
        writer.Line(GeneratedCodeAttribute);
        writer.Open("public static partial class " + _spec.Names.ServiceCollectionExtensions);
        writer.Line(
            "/// <summary>Registers <see cref=\""
                + InterfaceName
                + "\"/> for one connection, with the connection's pipeline on the factory's handlers.</summary>"
        );
        writer.Line("/// <param name=\"services\">The service collection.</param>");
        writer.Line("/// <param name=\"connection\">The connection every resolved client acts for.</param>");
        writer.Line("/// <returns>The HTTP client builder, for further configuration.</returns>");
        writer.Open(
            "public static " + builder + " Add" + _spec.ClientName + "(this " + services + " services, " + ConnectionName + " connection)"
        );
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(connection);");
        writer.Line("return Add" + _spec.ClientName + "(services, _ => connection);");
        writer.Close();
        writer.Line();
        writer.Line(
            "/// <summary>Registers <see cref=\""
                + InterfaceName
                + "\"/> with a connection built from the service provider (e.g. from configuration).</summary>"
        );
        writer.Line("/// <param name=\"services\">The service collection.</param>");
        writer.Line("/// <param name=\"connectionFactory\">Builds the connection once, on first use.</param>");
        writer.Line("/// <returns>The HTTP client builder, for further configuration.</returns>");
        writer.Open(
            "public static "
                + builder
                + " Add"
                + _spec.ClientName
                + "(this "
                + services
                + " services, global::System.Func<global::System.IServiceProvider, "
                + ConnectionName
                + "> connectionFactory)"
        );
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(services);");
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(connectionFactory);");
        EmitCustomAuthRegistration(writer);
        writer.Line(
            "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<"
                + ConnectionName
                + ">(services, connectionFactory);"
        );
        writer.Line(
            "var __builder = "
                + extensions
                + ".AddHttpClient<"
                + InterfaceName
                + ", "
                + _spec.ClientName
                + ">(services, static (http, provider) =>"
        );
        writer.Line(
            "    new "
                + _spec.ClientName
                + "(global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<"
                + ConnectionName
                + ">(provider), http));"
        );
        writer.Line("return " + handlers + ".AddHttpMessageHandler(__builder, static provider =>");
        writer.Line(
            "    global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<"
                + ConnectionName
                + ">(provider).CreateDelegatingHandler());"
        );
        writer.Close();
        writer.Close();
    }
}
