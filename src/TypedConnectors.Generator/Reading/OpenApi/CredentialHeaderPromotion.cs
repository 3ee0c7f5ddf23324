using System.Collections.Immutable;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Documents that declare no security scheme often pass the API key as a header parameter of every operation
/// (<c>x-apikey</c>, <c>X-API-Key</c>, <c>Authorization</c>). Left as is, every call would take the secret as an
/// argument; promoted, it becomes an API-key auth method of the connection, redacted and sent by the auth handler.
/// </summary>
internal static class CredentialHeaderPromotion
{
    public static (EquatableArray<AuthMethodSpec> Auth, EquatableArray<OperationSpec> Operations) Apply(
        EquatableArray<AuthMethodSpec> auth,
        EquatableArray<OperationSpec> operations
    )
    {
        if (!auth.IsEmpty || operations.IsEmpty)
        {
            return (auth, operations);
        }

        // Only a header every operation requires is the API's credential; one that some operations take is a parameter.
        var candidate = operations[0]
            .Parameters.Where(p => IsCredentialHeader(p))
            .Select(p => p.Name)
            .FirstOrDefault(name =>
                operations.All(o =>
                    o.Parameters.Any(p => IsCredentialHeader(p) && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                )
            );
        if (candidate is null)
        {
            return (auth, operations);
        }

        var first = operations[0].Parameters.First(p => string.Equals(p.Name, candidate, StringComparison.OrdinalIgnoreCase));
        var isAuthorization = string.Equals(candidate, "Authorization", StringComparison.OrdinalIgnoreCase);
        var method = new AuthMethodSpec
        {
            Key = "api_key",
            Kind = isAuthorization ? AuthKind.Bearer : AuthKind.ApiKey,
            DisplayName = first.Description ?? "API key",
            Description = "The '" + candidate + "' header every operation of the document requires.",
            IsDefault = true,
            HeaderName = isAuthorization ? null : candidate,
            Location = ApiKeyLocation.Header,
            TokenField = "api_key",
            Fields = EquatableArray.Create(
                new FieldSpec
                {
                    Name = "api_key",
                    Label = first.Description ?? candidate,
                    InputType = FieldInputType.Password,
                    Pointer = first.Pointer,
                }
            ),
            Pointer = first.Pointer,
        };

        var rewritten = operations
            .Select(o =>
                o with
                {
                    Parameters = o
                        .Parameters.Where(p =>
                            !(
                                p.Location == ParameterLocation.Header
                                && string.Equals(p.Name, candidate, StringComparison.OrdinalIgnoreCase)
                            )
                        )
                        .ToEquatableArray(),
                    Anonymous = false,
                }
            )
            .ToImmutableArray();
        return (EquatableArray.Create(method), rewritten);
    }

    private static bool IsCredentialHeader(ParameterSpec parameter) =>
        parameter.Location == ParameterLocation.Header
        && parameter.Required
        && parameter.Constant is null
        && parameter.Type.Kind == TypeKind.String
        && CredentialNames.IsCredentialName(parameter.Name);
}
