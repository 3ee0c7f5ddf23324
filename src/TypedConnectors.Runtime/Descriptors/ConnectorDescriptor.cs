using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace TypedConnectors;

/// <summary>
/// A read-only view of the connector attributes on a generated client type.
/// </summary>
/// <remarks>
/// The attributes are read once per type: reflection over custom attributes allocates new attribute instances on
/// every call, and connections are created often (one per customer request in multi-tenant services).
/// The view copies the attributes' values, so nobody can change a cached descriptor through an attribute's setters.
/// </remarks>
public sealed class ConnectorDescriptor
{
    // Weak keys so that client types in collectible AssemblyLoadContexts (plugins) can still be unloaded.
    private static readonly ConditionalWeakTable<Type, ConnectorDescriptor> Cache = new();

    private readonly Dictionary<string, AuthMethodDescriptor> _authByKey;

    private ConnectorDescriptor(Type clientType)
    {
        ClientType = clientType;
        var connector =
            clientType.GetCustomAttribute<ConnectorAttribute>(inherit: true)
            ?? throw new ConnectorConfigurationException(
                $"Type '{clientType.FullName}' is not a connector client: it has no [{nameof(ConnectorAttribute)}]."
            );

        Slug = connector.Slug;
        Name = connector.Name;
        BaseUrl = connector.BaseUrl;
        Version = connector.Version;

        var rateLimit = clientType.GetCustomAttribute<RateLimitAttribute>(inherit: true);
        RateLimit = rateLimit is null ? null : new RateLimitDescriptor(rateLimit.PermitLimit, rateLimit.WindowSeconds);
        MaxConcurrency = clientType.GetCustomAttribute<MaxConcurrencyAttribute>(inherit: true)?.Limit;
        RateLimitHeaders = clientType
            .GetCustomAttributes<RateLimitHeadersAttribute>(inherit: true)
            .Select(a => (a.Remaining, a.Reset))
            .ToArray();

        var mutations = clientType.GetCustomAttributes<AuthFieldMutationAttribute>(inherit: true).ToList();
        var methods = new List<AuthMethodDescriptor>();
        _authByKey = new Dictionary<string, AuthMethodDescriptor>(StringComparer.Ordinal);
        foreach (var attribute in clientType.GetCustomAttributes<AuthMethodAttribute>(inherit: true))
        {
            var own = mutations
                .Where(m => string.Equals(m.AuthMethod, attribute.Key, StringComparison.Ordinal))
                .Select(m => new AuthFieldMutation(m.Field, m.Prefix, m.Suffix, m.DefaultValue))
                .ToArray();
            var method = new AuthMethodDescriptor(attribute, own);
            if (!_authByKey.TryAdd(method.Key, method))
            {
                throw new ConnectorConfigurationException($"Connector '{Slug}' declares the auth method '{method.Key}' more than once.");
            }

            methods.Add(method);
        }

        foreach (var oauth in clientType.GetCustomAttributes<OAuth2Attribute>(inherit: true))
        {
            if (_authByKey.GetValueOrDefault(oauth.AuthMethod) is not { Kind: AuthKind.OAuth2 } owner || owner.OAuth is not null)
            {
                throw new ConnectorConfigurationException(
                    $"Connector '{Slug}' has OAuth 2.0 settings for '{oauth.AuthMethod}', which is not an OAuth 2.0 auth method or already has settings."
                );
            }

            owner.OAuth = new OAuthDescriptor(oauth, Slug);
        }

        foreach (var mutation in mutations)
        {
            if (!_authByKey.ContainsKey(mutation.AuthMethod))
            {
                throw new ConnectorConfigurationException(
                    $"Connector '{Slug}' has a mutation of field '{mutation.Field}' for the unknown auth method '{mutation.AuthMethod}'."
                );
            }
        }

        // Attribute order from reflection is not guaranteed; sort so that everything derived from the list is deterministic.
        methods.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        AuthMethods = new ReadOnlyCollection<AuthMethodDescriptor>(methods);

        var defaults = methods.Where(m => m.IsDefault).ToList();
        if (defaults.Count > 1)
        {
            throw new ConnectorConfigurationException(
                $"Connector '{Slug}' marks more than one auth method as default: {string.Join(", ", defaults.Select(d => d.Key))}."
            );
        }

        DefaultAuthMethod =
            defaults.Count == 1 ? defaults[0]
            : methods.Count == 1 ? methods[0]
            : null;

        var variables = new List<TemplateVariableDescriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in clientType.GetCustomAttributes<TemplateVariableAttribute>(inherit: true))
        {
            if (!seen.Add(variable.Name))
            {
                throw new ConnectorConfigurationException(
                    $"Connector '{Slug}' declares the template variable '{variable.Name}' more than once."
                );
            }

            variables.Add(new TemplateVariableDescriptor(variable.Name, variable.Pattern, variable.DefaultValue));
        }

        variables.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        Variables = new ReadOnlyCollection<TemplateVariableDescriptor>(variables);
    }

    /// <summary>The generated client type the descriptor was read from.</summary>
    public Type ClientType { get; }

    /// <summary>The connector's stable machine name.</summary>
    public string Slug { get; }

    /// <summary>The human-readable connector name.</summary>
    public string? Name { get; }

    /// <summary>The base URL template, if the connector declares one.</summary>
    public string? BaseUrl { get; }

    /// <summary>The connector definition's version.</summary>
    public string? Version { get; }

    /// <summary>The declared rate limit, or null when requests are not rate limited.</summary>
    public RateLimitDescriptor? RateLimit { get; }

    /// <summary>The declared maximum number of requests in flight, or null when unlimited.</summary>
    public int? MaxConcurrency { get; }

    /// <summary>The connector's own remaining/reset header names (<see cref="RateLimitHeadersAttribute"/>); empty when it uses only the standard ones.</summary>
    public IReadOnlyList<(string Remaining, string Reset)> RateLimitHeaders { get; }

    /// <summary>The declared auth methods, ordered by key, each with its field mutations.</summary>
    public IReadOnlyList<AuthMethodDescriptor> AuthMethods { get; }

    /// <summary>
    /// The auth method used when a connection names none: the one marked default, else the only one declared, else null.
    /// </summary>
    public AuthMethodDescriptor? DefaultAuthMethod { get; }

    /// <summary>The declared base URL template variables, ordered by name.</summary>
    public IReadOnlyList<TemplateVariableDescriptor> Variables { get; }

    /// <summary>Returns the descriptor of a generated client type, reading its attributes on first use.</summary>
    /// <param name="clientType">A type carrying <see cref="ConnectorAttribute"/>.</param>
    /// <exception cref="ConnectorConfigurationException">The type is not a connector or its attributes contradict each other.</exception>
    public static ConnectorDescriptor For(Type clientType)
    {
        ArgumentNullException.ThrowIfNull(clientType);
        return Cache.GetValue(clientType, static type => new ConnectorDescriptor(type));
    }

    /// <summary>Finds an auth method by key.</summary>
    /// <param name="key">The auth method's key.</param>
    /// <returns>The auth method, or null when the connector declares none with that key.</returns>
    public AuthMethodDescriptor? FindAuthMethod(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _authByKey.GetValueOrDefault(key);
    }
}

/// <summary>A connector's declared rate limit.</summary>
/// <param name="PermitLimit">Requests allowed per window.</param>
/// <param name="WindowSeconds">Window length in seconds.</param>
public sealed record RateLimitDescriptor(int PermitLimit, int WindowSeconds)
{
    /// <summary>The window length.</summary>
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>A declared base URL template variable.</summary>
/// <param name="Name">The variable's name as written in the template.</param>
/// <param name="Pattern">A regular expression the whole value must match, if any.</param>
/// <param name="DefaultValue">The value used when the connection has none.</param>
public sealed record TemplateVariableDescriptor(string Name, string? Pattern, string? DefaultValue);

/// <summary>A rewrite of one auth field's value; see <see cref="AuthFieldMutationAttribute"/>.</summary>
/// <param name="Field">The connection value the mutation rewrites.</param>
/// <param name="Prefix">Text put before the value.</param>
/// <param name="Suffix">Text put after the value.</param>
/// <param name="DefaultValue">The value used when the connection's value is null or empty.</param>
public sealed record AuthFieldMutation(string Field, string? Prefix, string? Suffix, string? DefaultValue)
{
    /// <summary>Applies the mutation: an empty value becomes <see cref="DefaultValue"/>, then prefix and suffix are added.</summary>
    /// <param name="value">The connection's value.</param>
    /// <returns>The value to send, or null when there is neither a value nor a default.</returns>
    public string? Apply(string? value)
    {
        value = string.IsNullOrEmpty(value) ? DefaultValue : value;
        return value is null ? null : string.Concat(Prefix, value, Suffix);
    }
}
