namespace TypedConnectors;

/// <summary>
/// The message <see cref="ConnectorRequest.Build(Uri)"/> creates: what the pipeline reads about the operation and the
/// call (operation, auth scope, call options, the call's state) travels in fields, so a call allocates no
/// <see cref="HttpRequestMessage.Options"/> dictionary. The public keys (<see cref="OperationAuth.OptionKey"/>, the call
/// options) are still set in <see cref="HttpRequestMessage.Options"/> when there is something to set, for handlers of
/// the caller's own.
/// </summary>
internal sealed class ConnectorRequestMessage(HttpMethod method, Uri requestUri) : HttpRequestMessage(method, requestUri)
{
    public OperationInfo? Operation { get; set; }

    public OperationAuth? Auth { get; set; }

    public ConnectorCallOptions? CallOptions { get; set; }

    public CallState? State { get; set; }

    /// <summary>Set by the auth scope step: the credential does not go with this request.</summary>
    public bool Anonymous { get; set; }

    /// <summary>
    /// Set by the sender: it reads the success response's body at once and bounds it itself, so the resilience step
    /// leaves the response's content as it is and hands the bound over in <see cref="BodyBound"/> instead.
    /// </summary>
    public bool ReaderBoundsBody { get; set; }

    /// <summary>The body limit the resilience step handed over (see <see cref="ReaderBoundsBody"/>).</summary>
    public bool BodyBound { get; set; }

    public long BodyMaxBytes { get; set; }

    /// <summary>The call's deadline, the reader's to dispose once the body is read.</summary>
    public CallDeadline? BodyDeadline { get; set; }
}
