using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthTests.Infrastructure;

/// <summary>Captures every log message with its structured values and exception text.</summary>
public sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => p.Key + "=" + p.Value))
            : "";
        _entries.Enqueue(logLevel + " " + formatter(state, exception) + " | " + values + " | " + exception);
    }
}
