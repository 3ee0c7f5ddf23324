namespace TypedConnectors;

/// <summary>
/// Decides per request whether the connection's credential goes with it, from the <see cref="OperationAuth"/> the
/// generated operation attached. Sits outermost, so an operation the connection cannot call fails before it waits
/// for a rate-limit permit, and marks the request for <see cref="AuthGateHandler"/>, which sits where the auth
/// handler is and routes unmarked-anonymous requests around it.
/// </summary>
internal sealed class AuthScopeHandler(string? authMethod, string slug) : DelegatingHandler
{
    internal static readonly HttpRequestOptionsKey<bool> Anonymous = new("TypedConnectors.SendAnonymously");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth =
            request is ConnectorRequestMessage message ? message.Auth
            : request.Options.TryGetValue(OperationAuth.OptionKey, out var given) ? given
            : null;
        if (auth is not null && !auth.SendsCredential(authMethod, slug, request))
        {
            if (request is ConnectorRequestMessage own)
            {
                own.Anonymous = true;
            }
            else
            {
                request.Options.Set(Anonymous, true);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Sends requests marked anonymous below the auth handler, everything else through it.</summary>
internal sealed class AuthGateHandler : DelegatingHandler
{
    private readonly HttpMessageInvoker _unauthenticated;

    /// <param name="unauthenticated">The part of the pipeline below the auth handler; not disposed by this handler.</param>
    public AuthGateHandler(HttpMessageHandler unauthenticated)
    {
        _unauthenticated = new HttpMessageInvoker(unauthenticated, disposeHandler: false);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (
            request is ConnectorRequestMessage message
                ? message.Anonymous
                : request.Options.TryGetValue(AuthScopeHandler.Anonymous, out var anonymous) && anonymous
        )
            ? _unauthenticated.SendAsync(request, cancellationToken)
            : base.SendAsync(request, cancellationToken);
}
