namespace TypedConnectors.Tests.Infrastructure;

/// <summary>A connection class like the generated ones, for any client type.</summary>
public sealed class TestConnection : ConnectorConnection
{
    public TestConnection(
        Type clientType,
        string authMethod,
        IReadOnlyDictionary<string, string?> values,
        IEnumerable<string>? secretFields = null,
        ConnectorConnectionOptions? options = null
    )
        : base(clientType, authMethod, values, secretFields ?? [], options) { }

    public static void Require(string name, string? value) => RequireValue(name, value);

    /// <summary>A connection of <typeparamref name="TClient"/> pointed at the test server.</summary>
    public static TestConnection For<TClient>(
        TestServer server,
        string authMethod,
        Dictionary<string, string?>? values = null,
        ConnectorConnectionOptions? options = null,
        IEnumerable<string>? secretFields = null
    )
    {
        values ??= [];
        values["host"] = "127.0.0.1";
        values["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new TestConnection(typeof(TClient), authMethod, values, secretFields, options);
    }
}

/// <summary>Captures log messages and their structured values.</summary>
public sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(
        Microsoft.Extensions.Logging.LogLevel logLevel,
        Microsoft.Extensions.Logging.EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        var text = formatter(state, exception);
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            text += " | " + string.Join(", ", values.Select(v => v.Key + "=" + v.Value));
        }

        if (exception is not null)
        {
            text += " | " + exception;
        }

        lock (_messages)
        {
            _messages.Add(text);
        }
    }
}
