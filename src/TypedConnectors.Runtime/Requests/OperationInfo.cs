namespace TypedConnectors;

/// <summary>
/// What a request message knows about the operation that built it: its id, path template and idempotency key header.
/// Set by <see cref="ConnectorRequest.Build(Uri)"/>; read by the resilience step and telemetry.
/// </summary>
internal sealed record OperationInfo(string? OperationId, string PathTemplate, string? IdempotencyKeyHeader)
{
    private static readonly HttpRequestOptionsKey<OperationInfo> Key = new("TypedConnectors.Operation");

    /// <summary>The path template without its constant query, as telemetry's <c>url.template</c>.</summary>
    public string UrlTemplate
    {
        get
        {
            var query = PathTemplate.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? PathTemplate : PathTemplate[..query];
        }
    }

    public static OperationInfo? Of(HttpRequestMessage request) =>
        request is ConnectorRequestMessage message ? message.Operation
        : request.Options.TryGetValue(Key, out var info) ? info
        : null;

    public void AttachTo(HttpRequestMessage message)
    {
        if (message is ConnectorRequestMessage own)
        {
            own.Operation = this;
        }
        else
        {
            message.Options.Set(Key, this);
        }
    }
}
