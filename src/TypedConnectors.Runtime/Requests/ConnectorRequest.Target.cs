using System.Globalization;
using System.Runtime.CompilerServices;

namespace TypedConnectors;

/// <summary>The request's target: its method, its path parameters, and the URI built from them, the base address and the query.</summary>
public sealed partial class ConnectorRequest
{
    /// <summary>The last base address a request was built against, with its parts as the URI needs them.</summary>
    private static BaseParts? s_lastBase;

    /// <summary>Builds the request message.</summary>
    /// <param name="baseAddress">The connection's base address; the request path is appended to its path.</param>
    /// <returns>A new message; the caller sends and disposes it.</returns>
    /// <exception cref="InvalidOperationException">A path placeholder has no value.</exception>
    public HttpRequestMessage Build(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The base address must be absolute.", nameof(baseAddress));
        }

        if (PageTarget is { } target)
        {
            return BuildMessage(target);
        }

        // The URI text is written once, into a stack buffer (pooled when longer), and becomes the only string.
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);

        // An operation served elsewhere (OpenAPI operation-level servers) carries an absolute URL from the definition:
        // it replaces the base address instead of being appended to it.
        var absolute = IsAbsoluteHttpUrl(_path);
        var hasQuery = false;
        if (absolute)
        {
            AppendPath(ref text, trimLeadingSlashes: false);
        }
        else
        {
            var parts = s_lastBase;
            if (parts is null || !ReferenceEquals(parts.Address, baseAddress))
            {
                parts = new BaseParts(baseAddress);
                s_lastBase = parts;
            }

            text.AppendLiteral(parts.Prefix);
            if (_path.Length > 0)
            {
                // A root path ("/") is the base address with its slash: servers may route "/v1/" and "/v1" apart.
                text.AppendLiteral("/");
                AppendPath(ref text, trimLeadingSlashes: true);
            }

            AppendQuery(ref text, parts.Query, ref hasQuery);
        }

        AppendQuery(ref text, _templateQuery, ref hasQuery);
        if (_query is not null)
        {
            foreach (var pair in _query)
            {
                AppendQuery(ref text, pair, ref hasQuery);
            }
        }

        return BuildMessage(new Uri(text.ToStringAndClear(), UriKind.Absolute));
    }

    private static void AppendQuery(ref DefaultInterpolatedStringHandler text, string? part, ref bool hasQuery)
    {
        if (string.IsNullOrEmpty(part))
        {
            return;
        }

        text.AppendLiteral(hasQuery ? "&" : "?");
        text.AppendLiteral(part);
        hasQuery = true;
    }

    /// <summary>The known methods as HttpMethod's shared instances; anything else upper-cased.</summary>
    private static HttpMethod ParseMethod(string method)
    {
        var name = method.AsSpan().Trim();
        return name switch
        {
            _ when name.Equals("GET", StringComparison.OrdinalIgnoreCase) => HttpMethod.Get,
            _ when name.Equals("POST", StringComparison.OrdinalIgnoreCase) => HttpMethod.Post,
            _ when name.Equals("PUT", StringComparison.OrdinalIgnoreCase) => HttpMethod.Put,
            _ when name.Equals("DELETE", StringComparison.OrdinalIgnoreCase) => HttpMethod.Delete,
            _ when name.Equals("PATCH", StringComparison.OrdinalIgnoreCase) => HttpMethod.Patch,
            _ when name.Equals("HEAD", StringComparison.OrdinalIgnoreCase) => HttpMethod.Head,
            _ when name.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase) => HttpMethod.Options,
            _ when name.Equals("TRACE", StringComparison.OrdinalIgnoreCase) => HttpMethod.Trace,
            _ => new HttpMethod(name.ToString().ToUpperInvariant()),
        };
    }

    private static bool IsAbsoluteHttpUrl(string path) =>
        path.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the path has a <c>{name}</c> placeholder.</summary>
    private bool HasPlaceholder(string name)
    {
        var position = 0;
        while ((position = _path.IndexOf('{', position)) >= 0)
        {
            var close = _path.IndexOf('}', position + 1);
            if (_path.AsSpan(position + 1, close - position - 1).SequenceEqual(name))
            {
                return true;
            }

            position = close + 1;
        }

        return false;
    }

    private void SetPathValue(string name, string escaped)
    {
        var values = _pathValues ??= new KeyValuePair<string, string>[_placeholders];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Key is null || string.Equals(values[i].Key, name, StringComparison.Ordinal))
            {
                values[i] = new(name, escaped);
                return;
            }
        }
    }

    private string? PathValue(ReadOnlySpan<char> name)
    {
        foreach (var (key, value) in _pathValues ?? [])
        {
            if (key is not null && name.SequenceEqual(key))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the path with its placeholders filled. Relative to the base address, its leading slashes are left out
    /// (the base address's path ends where the slash is written); values are escaped, so they carry none of their own.
    /// </summary>
    private void AppendPath(ref DefaultInterpolatedStringHandler text, bool trimLeadingSlashes)
    {
        var path = _path.AsSpan();
        if (trimLeadingSlashes)
        {
            path = path.TrimStart('/');
        }

        while (path.Length > 0)
        {
            var open = path.IndexOf('{');
            if (open < 0)
            {
                text.AppendFormatted(path);
                return;
            }

            var close = path[(open + 1)..].IndexOf('}') + open + 1;
            var name = path[(open + 1)..close];
            var value =
                PathValue(name)
                ?? throw new InvalidOperationException($"The path parameter '{name.ToString()}' of '{PathTemplate}' has no value.");
            text.AppendFormatted(path[..open]);
            text.AppendLiteral(value);
            path = path[(close + 1)..];
        }
    }

    /// <summary>A base address's scheme, host and path without its trailing slash, and its query without '?'.</summary>
    private sealed class BaseParts(Uri address)
    {
        public Uri Address { get; } = address;

        public string Prefix { get; } =
            address.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

        public string Query { get; } = address.Query.TrimStart('?');
    }
}
