using System.Text;

namespace TypedConnectors;

/// <summary>Adds HTTP Basic credentials, <c>Basic base64(username:password)</c>, to every request.</summary>
public sealed class BasicAuthHandler : DelegatingHandler
{
    /// <summary>The <see cref="AuthKind.Basic"/> rule: this handler, and the password as the secret.</summary>
    internal static readonly AuthKindRule Rule = new(
        AuthKind.Basic,
        method => [method.PasswordField],
        (connection, method) =>
            new BasicAuthHandler(
                AuthHandlers.Required(connection, method, method.UsernameField),
                connection.GetAuthValue(method.PasswordField) ?? string.Empty,
                method.HeaderName
            )
    );

    private readonly string _headerName;
    private readonly string _headerValue;

    /// <summary>Creates the handler.</summary>
    /// <param name="username">The user name; may not contain ':', which would move the split between user name and password.</param>
    /// <param name="password">The password; null sends an empty password.</param>
    /// <param name="headerName">The header to use; <c>Authorization</c> when null.</param>
    /// <exception cref="ConnectorConfigurationException">The user name is empty or contains ':'.</exception>
    public BasicAuthHandler(string username, string? password, string? headerName = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        if (username.Length == 0 || username.Contains(':', StringComparison.Ordinal))
        {
            throw new ConnectorConfigurationException(
                "username",
                "The Basic auth user name must be non-empty and may not contain ':'.",
                null
            );
        }

        _headerName = headerName ?? AuthMethodDescriptor.DefaultHeaderName;
        _headerValue = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + (password ?? string.Empty)));
        HeaderValidation.Ensure(_headerName, _headerValue);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HeaderValidation.Set(request, _headerName, _headerValue);
        return base.SendAsync(request, cancellationToken);
    }
}
