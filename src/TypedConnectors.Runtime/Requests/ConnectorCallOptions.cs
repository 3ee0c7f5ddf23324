namespace TypedConnectors;

/// <summary>
/// Settings for one call of a generated operation: extra headers, a timeout, a retry override and an idempotency key.
/// Pass it as the operation's <c>options</c> argument; leave it null for the connection's defaults.
/// </summary>
/// <remarks>
/// One instance may be reused for several calls; the call reads it when it starts. Header values are validated like
/// every other header value (no line breaks), and a header the operation itself sets is replaced by the one given here.
/// </remarks>
public sealed class ConnectorCallOptions
{
    private static readonly HttpRequestOptionsKey<ConnectorCallOptions> OptionKey = new("TypedConnectors.CallOptions");

    /// <summary>Headers added to this call's request, replacing those of the same name the operation sets.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The longest this call may take in total, retries and reading the response included; null keeps the connection's
    /// setting.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Retries this call may make after its first attempt; 0 disables retrying; null keeps the connection's setting.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// The idempotency key this call sends (and reuses on each retry) where the operation declares one; null lets the
    /// connection generate one per call.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The options a request message was built with, or null.</summary>
    /// <param name="request">A request message built by <see cref="ConnectorRequest.Build(Uri)"/>.</param>
    /// <returns>The call's options, or null when it has none.</returns>
    public static ConnectorCallOptions? Of(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request is ConnectorRequestMessage { CallOptions: { } own })
        {
            return own;
        }

        return request.Options.TryGetValue(OptionKey, out var options) ? options : null;
    }

    internal void AttachTo(HttpRequestMessage message)
    {
        if (message is ConnectorRequestMessage own)
        {
            own.CallOptions = this;
        }

        message.Options.Set(OptionKey, this);
    }
}
