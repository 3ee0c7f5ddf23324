namespace TypedConnectors.Generator.Model;

internal static partial class SpecBinder
{
    /// <summary>Parameters every connection factory declares after the connection values.</summary>
    private static readonly string[] FactoryParameters = { "options", "connectionId", "customAuth" };

    /// <summary>
    /// A managed OAuth method's client id and secret: the declared fields of a conventional name, else values the
    /// connection asks for under the standard names (the secret only required for client-credential grants).
    /// </summary>
    private static AuthMethodSpec WithOAuthClientFields(AuthMethodSpec method, Func<FieldSpec, string?, FieldSpec> bind)
    {
        var named = method with
        {
            HandlerFactoryName = method.FactoryName + "Handler",
            McpFactoryName = method.FactoryName + "ForMcpOAuth",
        };
        if (!method.IsManagedOAuth)
        {
            return named;
        }

        string Pick(string[] names, string fallback) =>
            method.Fields.FirstOrDefault(f => names.Contains(f.Name, StringComparer.OrdinalIgnoreCase))?.Name ?? fallback;

        var clientId = Pick(CredentialNames.ClientIds, "client_id");
        var clientSecret = Pick(CredentialNames.ClientSecrets, "client_secret");
        var fields = method.Fields.ToList();
        if (!fields.Any(f => f.Name == clientId))
        {
            fields.Add(
                bind(
                    new FieldSpec
                    {
                        Name = clientId,
                        Label = "OAuth client id",
                        Hint = "The client (application) id registered with the provider.",
                    },
                    "ClientId"
                )
            );
        }

        if (!fields.Any(f => f.Name == clientSecret))
        {
            var oauth = method.OAuth!;
            fields.Add(
                bind(
                    new FieldSpec
                    {
                        Name = clientSecret,
                        Label = "OAuth client secret",
                        Hint = "Never printed or logged.",
                        InputType = FieldInputType.Password,
                        Required = oauth.GrantTypes.IsEmpty ? oauth.AuthorizeUri is null : oauth.GrantTypes.Contains("client_credentials"),
                    },
                    "ClientSecret"
                )
            );
        }

        return named with
        {
            Fields = fields.ToEquatableArray(),
            OAuthClientIdField = clientId,
            OAuthClientSecretField = clientSecret,
        };
    }
}
