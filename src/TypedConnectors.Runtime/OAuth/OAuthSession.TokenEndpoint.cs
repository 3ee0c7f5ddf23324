using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TypedConnectors;

// The token-endpoint protocol: form requests, client authentication, bounded and scrubbed responses, PKCE values.
public sealed partial class OAuthSession
{
    private async Task<OAuthToken> RequestTokenAsync(
        string grant,
        Uri endpoint,
        List<KeyValuePair<string, string>> form,
        OAuthToken? previous,
        string?[] secrets,
        CancellationToken cancellationToken
    )
    {
        AddExtra(form, Settings.TokenParameters, "token_parameters");
        var clientId = RequireClientId();
        var clientSecret = ClientSecret;
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        if (Settings.ClientAuthentication == OAuthClientAuthentication.BasicHeader && !string.IsNullOrEmpty(clientSecret))
        {
            // RFC 6749 §2.3.1: both parts form-encoded before base64.
            var pair = FormEncode(clientId) + ":" + FormEncode(clientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            form.Add(new("client_id", clientId));
            if (!string.IsNullOrEmpty(clientSecret))
            {
                form.Add(new("client_secret", clientSecret));
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.ParseAdd("application/json");

        var issuedAt = Now;
        var where = ConnectorApiException.StripQuery(endpoint)?.ToString() ?? "(token endpoint)";
        using var timeout = new CancellationTokenSource(_options.TokenRequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new OAuthException($"The {grant} request to {where} timed out.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new OAuthException($"The {grant} request to {where} failed: {ex.Message}", ex);
        }

        using (response)
        {
            string body;
            try
            {
                body = await BoundedContent.ReadStringAsync(response, _connection.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new OAuthException($"The {grant} response from {where} was not read in time.", ex);
            }
            catch (ConnectorResponseException ex)
            {
                throw new OAuthException($"The {grant} response from {where} could not be read: {ex.InnerException?.Message}", ex);
            }

            var values = ParseTokenResponse(body, response.Content.Headers.ContentType?.MediaType);
            var error = values.GetValueOrDefault("error");
            var accessToken = values.GetValueOrDefault("access_token");
            if (!response.IsSuccessStatusCode || error is not null || string.IsNullOrEmpty(accessToken))
            {
                // Whatever the server echoes (a client secret in `error`, say) is scrubbed before it reaches a message or log.
                var echoed = secrets.Append(clientSecret).Append(accessToken).ToArray();
                var code =
                    Scrub(error, echoed)
                    ?? (
                        response.IsSuccessStatusCode
                            ? "invalid_response"
                            : "http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                    );
                var description = Scrub(values.GetValueOrDefault("error_description"), echoed);
                if (_logger is not null)
                {
                    OAuthLog.TokenRequestFailed(_logger, grant, _connection.ConnectionId, where, (int)response.StatusCode, code);
                }

                throw new OAuthException(
                    $"The token endpoint {where} refused the {grant} request of connection '{_connection.ConnectionId}' ({(int)response.StatusCode} {code})"
                        + (string.IsNullOrEmpty(description) ? "." : ": " + description),
                    code,
                    description,
                    (int)response.StatusCode
                );
            }

            DateTimeOffset? expiresAt = null;
            if (
                values.GetValueOrDefault("expires_in") is { } expiresIn
                && double.TryParse(expiresIn, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && seconds > 0
                && seconds < TimeSpan.MaxValue.TotalSeconds / 2
            )
            {
                expiresAt = issuedAt + TimeSpan.FromSeconds(seconds);
            }

            var rotated = values.GetValueOrDefault("refresh_token");
            var token = new OAuthToken(
                accessToken,
                string.IsNullOrEmpty(rotated) ? previous?.RefreshToken : rotated,
                expiresAt,
                issuedAt,
                values.GetValueOrDefault("token_type"),
                values.GetValueOrDefault("scope") ?? previous?.Scope,
                values.GetValueOrDefault("id_token")
            );
            if (_logger is not null)
            {
                var refreshState = string.IsNullOrEmpty(rotated)
                    ? (token.RefreshToken is null ? "none" : "kept")
                    : (previous is null ? "issued" : "rotated");
                OAuthLog.TokenIssued(
                    _logger,
                    grant,
                    _connection.ConnectionId,
                    where,
                    expiresAt is null ? null : (expiresAt.Value - issuedAt).TotalSeconds,
                    refreshState
                );
            }

            return token;
        }
    }

    private static Dictionary<string, string> ParseTokenResponse(string body, string? mediaType)
    {
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] == '{')
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            try
            {
                using var document = JsonDocument.Parse(body);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var text = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                    if (text is not null)
                    {
                        values[property.Name] = text;
                    }
                }
            }
            catch (JsonException)
            {
                values.Clear();
            }

            return values;
        }

        // Some providers (GitHub's classic endpoint, older ones) answer form-encoded.
        return mediaType is null or "application/x-www-form-urlencoded" or "text/plain" ? ParseForm(body) : [];
    }

    private static Dictionary<string, string> ParseForm(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? part : part[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' '));
            values.TryAdd(name, value);
        }

        return values;
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private static string? Scrub(string? text, IEnumerable<string?> secrets)
    {
        text = SecretScrubber.Scrub(text, secrets);
        return text is { Length: > 300 } ? text[..300] + "…" : text;
    }

    /// <summary>The client secret and the current token's values, for scrubbing what servers echo.</summary>
    internal IEnumerable<string?> CurrentSecrets()
    {
        OAuthToken? current;
        lock (_state.Gate)
        {
            current = _state.Current;
        }

        return [ClientSecret, current?.AccessToken, current?.RefreshToken, current?.IdToken];
    }

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))).</summary>
    internal static string CodeChallenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void AddExtra(
        List<KeyValuePair<string, string>> parameters,
        IEnumerable<KeyValuePair<string, string>>? extra,
        string what
    )
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (name, value) in extra)
        {
            if (parameters.Any(p => string.Equals(p.Key, name, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"The OAuth parameter '{name}' is set by the flow itself and cannot be replaced.", what);
            }

            parameters.Add(new(name, value));
        }
    }

    private static void AddScope(List<KeyValuePair<string, string>> form, IReadOnlyList<string> scopes)
    {
        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }
    }
}
