using System.Diagnostics.Tracing;
using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Every text parse of a JSON/YAML file goes through here: a bounded, process-wide cache of positioned trees keyed by the
/// file's path and exact text, so the generator, the analyzer (same assembly, same compiler process) and every file that
/// refers to a document (an overlay, a cross-file <c>$ref</c>) share one parse, and the compiler server's next build
/// reuses it while the text is unchanged.
/// </summary>
/// <remarks>
/// Correctness: a hit needs the same path and the same text, compared in full (the hash only picks the bucket), and
/// reading depends on nothing else (the readers take the path and text only), so a changed file is always parsed again.
/// The cached tree is immutable (<see cref="DocObject"/>'s lazy index is published atomically) and shared between
/// threads; the parse's own diagnostics are stored with it and replayed on every hit. A cancelled parse throws and is
/// never stored. Memory: least recently used entries are dropped beyond <see cref="MaxEntries"/> files or
/// <see cref="MaxChars"/> characters of text; a file larger than that is parsed and not kept. Two threads asking for the
/// same new text at the same moment may both parse it (the second result is dropped); in a build the generator runs
/// before the analyzers, so that does not happen there.
/// </remarks>
internal static class DocTrees
{
    internal const int MaxEntries = 64;
    internal const int MaxChars = 16 * 1024 * 1024;

    private static readonly object Gate = new();
    private static readonly Dictionary<Key, LinkedListNode<Entry>> Entries = new();
    private static readonly LinkedList<Entry> Recent = new();
    private static long _cachedChars;

    /// <summary>The tree of <paramref name="text"/> (null when it does not parse), with the parse's diagnostics added to <paramref name="diagnostics"/>.</summary>
    public static DocNode? Read(
        string path,
        string text,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken,
        out SourceFile file
    )
    {
        var key = new Key(path, text);
        lock (Gate)
        {
            if (Entries.TryGetValue(key, out var hit))
            {
                Recent.Remove(hit);
                Recent.AddFirst(hit);
                file = hit.Value.File;
                diagnostics.AddRange(hit.Value.Diagnostics);
                return hit.Value.Root;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        GeneratorEventSource.Log.DocumentParsed(path, text.Length);
        var parsed = new SourceFile(path, text);
        var found = new List<DiagnosticInfo>();
        var root = ConnectorFileReader.IsYaml(path)
            ? YamlDocReader.Read(parsed, found, cancellationToken)
            : JsonDocReader.Read(parsed, found, cancellationToken);
        // A reader that noticed cancellation may have stopped early: such a tree is never kept (nor returned).
        cancellationToken.ThrowIfCancellationRequested();

        var entry = new Entry(key, parsed, root, found.ToArray());
        if (text.Length <= MaxChars)
        {
            lock (Gate)
            {
                if (Entries.TryGetValue(key, out var raced))
                {
                    entry = raced.Value;
                }
                else
                {
                    var node = Recent.AddFirst(entry);
                    Entries.Add(key, node);
                    _cachedChars += text.Length;
                    while (Recent.Count > MaxEntries || _cachedChars > MaxChars)
                    {
                        var last = Recent.Last!;
                        Recent.RemoveLast();
                        Entries.Remove(last.Value.Key);
                        _cachedChars -= last.Value.Key.Text.Length;
                    }
                }
            }
        }

        file = entry.File;
        diagnostics.AddRange(entry.Diagnostics);
        return entry.Root;
    }

    /// <summary>Forgets every tree (benchmarks measuring a parse from scratch; tests).</summary>
    internal static void Clear()
    {
        lock (Gate)
        {
            Entries.Clear();
            Recent.Clear();
            _cachedChars = 0;
        }
    }

    private sealed record Entry(Key Key, SourceFile File, DocNode? Root, DiagnosticInfo[] Diagnostics);

    /// <summary>Path and full text; the hash samples the text (its length and up to 64 characters), equality compares all of it.</summary>
    private readonly struct Key(string path, string text) : IEquatable<Key>
    {
        public string Path { get; } = path;
        public string Text { get; } = text;

        public bool Equals(Key other) =>
            string.Equals(Path, other.Path, StringComparison.Ordinal) && string.Equals(Text, other.Text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                var hash = (StringComparer.Ordinal.GetHashCode(Path) * 31) + Text.Length;
                var step = Math.Max(1, Text.Length / 64);
                for (var i = 0; i < Text.Length; i += step)
                {
                    hash = (hash * 31) + Text[i];
                }

                return hash;
            }
        }
    }
}

/// <summary>
/// Events of the generator and analyzer, for <c>dotnet-trace</c>/<c>dotnet-counters</c> or an <see cref="EventListener"/>:
/// one <c>DocumentParsed</c> per text parse (a cache hit in <see cref="DocTrees"/> raises none).
/// </summary>
[EventSource(Name = "TypedConnectors-Generator")]
internal sealed class GeneratorEventSource : EventSource
{
    public static readonly GeneratorEventSource Log = new();

    private GeneratorEventSource() { }

    /// <summary>A JSON/YAML text was parsed into a tree.</summary>
    [Event(1, Level = EventLevel.Informational, Message = "document parsed: {0} ({1} characters)")]
    public void DocumentParsed(string path, int length)
    {
        if (IsEnabled())
        {
            WriteEvent(1, path, length);
        }
    }
}
