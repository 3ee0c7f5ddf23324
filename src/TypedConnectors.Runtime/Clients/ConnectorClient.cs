using System.ComponentModel;

namespace TypedConnectors;

/// <summary>
/// Operations of a connector acting for one connection: the base of every generated client and operation group.
/// </summary>
/// <typeparam name="TConnection">The connector's generated connection type.</typeparam>
public abstract class ConnectorOperations<TConnection>
    where TConnection : ConnectorConnection
{
    /// <summary>Creates the operations over a client whose handlers include the connection's pipeline.</summary>
    /// <param name="connection">The connection (account) to act for.</param>
    /// <param name="httpClient">The HTTP client requests are sent with.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    protected ConnectorOperations(TConnection connection, HttpClient httpClient)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        HttpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
    }

    /// <summary>The connection these operations act for.</summary>
    public TConnection Connection { get; }

    /// <summary>The HTTP client generated operations send with.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected HttpClient HttpClient { get; }
}

/// <summary>
/// A generated connector client: sends through its connection's pipeline (auth, rate and concurrency limits,
/// retries) and disposes what it created.
/// </summary>
/// <typeparam name="TConnection">The connector's generated connection type.</typeparam>
public abstract class ConnectorClient<TConnection> : ConnectorOperations<TConnection>, IDisposable
    where TConnection : ConnectorConnection
{
    private readonly bool _ownsHttpClient;

    /// <summary>
    /// Creates a client that sends through the connection's own pipeline. Clients of one connection share that
    /// pipeline and its connection pool, so a client per call is cheap.
    /// </summary>
    /// <param name="connection">The connection (account) to act for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    protected ConnectorClient(TConnection connection)
        : base(connection, (connection ?? throw new ArgumentNullException(nameof(connection))).CreateSharedHttpClient())
    {
        _ownsHttpClient = true;
    }

    /// <summary>
    /// Creates a client on an <see cref="System.Net.Http.HttpClient"/> whose handlers already include the
    /// connection's pipeline, as the generated IHttpClientFactory registration sets up.
    /// </summary>
    /// <param name="connection">The connection (account) to act for.</param>
    /// <param name="httpClient">The HTTP client to send with; not disposed by this client.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    protected ConnectorClient(TConnection connection, HttpClient httpClient)
        : base(connection, httpClient) { }

    /// <summary>Disposes the HTTP client if this client created it; the connection stays open.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the HTTP client if this client created it.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttpClient)
        {
            HttpClient.Dispose();
        }
    }
}
