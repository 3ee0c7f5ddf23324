using System.Text.RegularExpressions;
using TypedConnectors.Generator.Auth;

namespace TypedConnectors.Generator.Model;

/// <summary>
/// The one home of the credential-name heuristics: which field of an auth method plays which role, and what an
/// OpenAPI basic scheme's two values are called when its name or description says (Twilio's
/// <c>accountSid_authToken</c>: an account SID and an auth token, not a user name and a password).
/// </summary>
internal static class CredentialNames
{
    public static readonly string[] Usernames = { "username", "user", "user_name", "login", "email", "api_key", "client_id" };
    public static readonly string[] Passwords = { "password", "pass", "secret", "client_secret" };
    public static readonly string[] Tokens = { "token", "api_key", "apikey", "key", "access_token", "api_token", "bearer_token" };
    public static readonly string[] ClientIds = { "client_id", "clientid", "client_key", "app_id", "application_id", "consumer_key" };
    public static readonly string[] ClientSecrets =
    {
        "client_secret",
        "clientsecret",
        "app_secret",
        "application_secret",
        "consumer_secret",
    };

    // Names whose value is a secret, compared with separators removed: "X-API-Key", "api_key", "clientSecret", "access-token".
    private static readonly string[] CredentialNameEndings =
    {
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "accesskey",
        "privatekey",
    };

    /// <summary>Whether a header, parameter or field of this name carries a secret ("X-API-Key", "clientSecret", "access-token").</summary>
    public static bool IsCredentialName(string name)
    {
        var compact = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        return CredentialNameEndings.Any(e => compact.EndsWith(e, StringComparison.Ordinal));
    }

    /// <summary>Words that make a phrase read as the name of a credential.</summary>
    private static readonly string[] CredentialWords =
    {
        "sid",
        "id",
        "key",
        "token",
        "secret",
        "user",
        "username",
        "login",
        "password",
        "pass",
        "email",
        "account",
        "client",
        "passphrase",
        "pin",
        "code",
    };

    private static readonly string[] Separators = { "_and_", "-and-", "And", "__", "_", "-", ":", "/" };

    private static readonly Regex AsRole = new(
        @"(?<name>(?:[A-Za-z0-9]+[ \-]){0,2}[A-Za-z0-9]+)\s+as\s+(?:the\s+|your\s+)?(?<role>user\s?name|password)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
        TimeSpan.FromMilliseconds(200)
    );

    private static readonly string[] Filler = { "use", "your", "the", "a", "an", "with", "and", "provide", "enter", "set", "pass", "send" };

    /// <summary>Which declared fields carry the username, password and token, by explicit role or by convention.</summary>
    /// <remarks>Each kind's descriptor (<see cref="AuthKinds.All"/>) says which of the roles below it uses.</remarks>
    public static (string? Username, string? Password, string? Token) Roles(AuthMethodSpec method)
    {
        var roles = AuthKinds.Of(method.Kind)?.Roles(method) ?? DeclaredTokenRole(method);
        return (roles.Username, roles.Password, roles.Token);
    }

    private static string? Pick(AuthMethodSpec method, string? explicitName, string[] conventional) =>
        explicitName ?? method.Fields.FirstOrDefault(f => conventional.Contains(f.Name, StringComparer.OrdinalIgnoreCase))?.Name;

    /// <summary>A user name and a password (Basic): the declared ones, else conventional names, else the remaining field.</summary>
    public static CredentialRoles BasicRoles(AuthMethodSpec method)
    {
        var username = Pick(method, method.UsernameField, Usernames);
        var password =
            Pick(method, method.PasswordField, Passwords)
            ?? method.Mutations.FirstOrDefault(m => m.Default is not null && m.Field != username)?.Field;
        username ??= method.Fields.FirstOrDefault(f => f.Name != password)?.Name;
        return new CredentialRoles(username, password, null);
    }

    /// <summary>One token (Bearer, API key): the declared one, else a conventional name, else the first secret or first field.</summary>
    public static CredentialRoles TokenRole(AuthMethodSpec method)
    {
        var token =
            Pick(method, method.TokenField, Tokens)
            ?? method.Fields.Where(f => f.IsSecret).Select(f => f.Name).FirstOrDefault()
            ?? method.Fields.FirstOrDefault()?.Name;
        return new CredentialRoles(null, null, token);
    }

    /// <summary>Only a token field the method declares (OAuth 2.0, custom, none).</summary>
    public static CredentialRoles DeclaredTokenRole(AuthMethodSpec method) => new(null, null, method.TokenField);

    /// <summary>
    /// The field names and labels of a basic scheme's user name and password: from a description that says
    /// "… Account SID as the username … Auth Token as the password", else from a scheme name made of two credential
    /// phrases (<c>accountSid_authToken</c>), else <c>username</c> / <c>password</c>.
    /// </summary>
    public static ((string Name, string Label) User, (string Name, string Label) Password) BasicFields(
        string schemeKey,
        string? description
    )
    {
        string? user = null,
            password = null;
        if (description is not null)
        {
            foreach (Match match in AsRole.Matches(description))
            {
                var words = match
                    .Groups["name"]
                    .Value.Split(' ', '-')
                    .SkipWhile(w => Filler.Contains(w, StringComparer.OrdinalIgnoreCase))
                    .ToList();
                if (words.Count == 0 || !IsCredentialPhrase(string.Join(" ", words)))
                {
                    continue;
                }

                var phrase = string.Join(" ", words);
                if (match.Groups["role"].Value.StartsWith("user", StringComparison.OrdinalIgnoreCase))
                {
                    user ??= phrase;
                }
                else
                {
                    password ??= phrase;
                }
            }
        }

        if (user is null || password is null)
        {
            foreach (var separator in Separators)
            {
                var parts = Split(schemeKey, separator);
                if (parts.Count == 2 && parts.All(IsCredentialPhrase))
                {
                    user ??= Humanize(parts[0]);
                    password ??= Humanize(parts[1]);
                    break;
                }
            }
        }

        return (
            user is null ? ("username", "User name") : (Snake(user), user),
            password is null ? ("password", "Password") : (Snake(password), password)
        );
    }

    private static List<string> Split(string text, string separator)
    {
        if (separator == "And")
        {
            // "accountSidAndAuthToken": only a capitalised "And" inside a camel-case name.
            var index = text.Length > 1 ? text.IndexOf("And", 1, StringComparison.Ordinal) : -1;
            var camel = index > 0 && index + 3 < text.Length && char.IsLetterOrDigit(text[index - 1]) && char.IsUpper(text[index + 3]);
            return camel ? new List<string> { text.Substring(0, index), text.Substring(index + 3) } : new List<string> { text };
        }

        return text.Split(new[] { separator }, StringSplitOptions.None).ToList();
    }

    private static bool IsCredentialPhrase(string phrase) =>
        phrase.Length > 0 && Words(phrase).Any(w => CredentialWords.Contains(w, StringComparer.OrdinalIgnoreCase));

    /// <summary>"accountSid" → "Account Sid"; a phrase with spaces stays as written.</summary>
    private static string Humanize(string part) =>
        part.Contains(' ') ? part : string.Join(" ", Words(part).Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1)));

    private static string Snake(string phrase) => string.Join("_", Words(phrase).Select(w => w.ToLowerInvariant()));

    private static IEnumerable<string> Words(string text) =>
        Regex
            .Split(text, @"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200))
            .Where(w => w.Length > 0);
}
