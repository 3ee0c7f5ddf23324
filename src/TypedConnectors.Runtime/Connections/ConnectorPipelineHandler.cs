namespace TypedConnectors;

/// <summary>
/// A connection's whole pipeline packed into one <see cref="DelegatingHandler"/> for IHttpClientFactory, which sets
/// <see cref="DelegatingHandler.InnerHandler"/> after creating it and may wrap it with handlers of its own.
/// </summary>
/// <remarks>
/// The internal chain ends in a forwarder that calls back into this handler's base SendAsync, so the request leaves
/// through whatever InnerHandler the factory installed.
/// </remarks>
internal sealed class ConnectorPipelineHandler : DelegatingHandler
{
    private readonly HttpMessageInvoker _chain;

    public ConnectorPipelineHandler(ConnectorConnection connection)
    {
        _chain = new HttpMessageInvoker(connection.BuildChain(new Forwarder(this)), disposeHandler: true);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _chain.SendAsync(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chain.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<HttpResponseMessage> ForwardAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private sealed class Forwarder(ConnectorPipelineHandler owner) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            owner.ForwardAsync(request, cancellationToken);
    }
}
