using System.Text;
using System.Text.Json;
using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading;

/// <summary>Reads JSON text into a <see cref="DocNode"/> tree with character positions.</summary>
internal static class JsonDocReader
{
    public static DocNode? Read(SourceFile file, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var text = file.Text;
        var skip = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var bytes = Encoding.UTF8.GetBytes(text.Substring(skip));
        var cursor = new OffsetCursor(text, bytes, skip);
        var reader = new Utf8JsonReader(
            bytes,
            new JsonReaderOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = ReadLimits.MaxDepth,
            }
        );

        try
        {
            if (!reader.Read())
            {
                diagnostics.Add(
                    DiagnosticInfo.Create(DiagnosticDescriptors.MalformedDocument, file.WholeFile(), "JSON", "the file is empty")
                );
                return null;
            }

            var root = ReadValue(ref reader, new State(cursor, file, bytes, diagnostics), cancellationToken);
            if (reader.Read())
            {
                throw new JsonException(
                    "'" + (char)bytes[(int)reader.TokenStartIndex] + "' after the end of the document.",
                    null,
                    null,
                    null
                );
            }

            return root;
        }
        catch (JsonException ex)
        {
            var depthExceeded =
                reader.CurrentDepth >= ReadLimits.MaxDepth - 1 && ex.Message.IndexOf("depth", StringComparison.OrdinalIgnoreCase) >= 0;
            var offset =
                ex.LineNumber is long line && ex.BytePositionInLine is long bytePos
                    ? cursor.CharOffsetOf(file, (int)line, (int)bytePos)
                    : cursor.CharAt((int)Math.Min(reader.BytesConsumed, bytes.Length));
            // One character wide, unless the parser stopped at a line break (an unterminated string): no squiggle on a newline.
            var location = file.Locate(offset, offset < text.Length && text[offset] != '\n' && text[offset] != '\r' ? 1 : 0);
            diagnostics.Add(
                depthExceeded
                    ? DiagnosticInfo.Create(
                        DiagnosticDescriptors.InputTooLarge,
                        location,
                        "nesting deeper than " + ReadLimits.MaxDepth + " levels"
                    )
                    : DiagnosticInfo.Create(DiagnosticDescriptors.MalformedDocument, location, "JSON", CleanMessage(ex.Message))
            );
            return null;
        }
    }

    private static DocNode ReadValue(ref Utf8JsonReader reader, State state, CancellationToken cancellationToken)
    {
        var cursor = state.Cursor;
        var tokenStart = (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = cursor.CharAt(tokenStart);
                // Children go on one shared stack while the object is read (nested objects push and pop above them),
                // so each object keeps one exact-size array instead of a growing list.
                var scratch = state.Properties;
                var first = scratch.Count;
                HashSet<string>? seen = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var nameStartByte = (int)reader.TokenStartIndex;
                    var nameStart = cursor.CharAt(nameStartByte);
                    var nameEnd = cursor.CharAt(nameStartByte + reader.ValueSpan.Length + 2);
                    var name = state.String(ref reader);
                    reader.Read();
                    var value = ReadValue(ref reader, state, cancellationToken);
                    var property = new DocProperty(name, nameStart, nameEnd - nameStart, value);
                    if (!ChildStack.AddName(scratch, first, name, ref seen))
                    {
                        state.Diagnostics.Add(
                            DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateKey, state.File.LocateName(property), name)
                        );
                    }

                    scratch.Add(property);
                }

                var end = cursor.CharAt((int)reader.TokenStartIndex + 1);
                return new DocObject(start, end - start, DocList<DocProperty>.Own(ChildStack.Pop(scratch, first)));
            }

            case JsonTokenType.StartArray:
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = cursor.CharAt(tokenStart);
                var scratch = state.Items;
                var first = scratch.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var item = ReadValue(ref reader, state, cancellationToken);
                    scratch.Add(item);
                }

                var end = cursor.CharAt((int)reader.TokenStartIndex + 1);
                return new DocArray(start, end - start, DocList<DocNode>.Own(ChildStack.Pop(scratch, first)));
            }

            case JsonTokenType.String:
            {
                var start = cursor.CharAt(tokenStart);
                var end = cursor.CharAt(tokenStart + reader.ValueSpan.Length + 2);
                return new DocScalar(start, end - start, ScalarKind.String, state.String(ref reader));
            }

            case JsonTokenType.Number:
            {
                var start = cursor.CharAt(tokenStart);
                var raw = state.String(ref reader);
                return new DocScalar(start, raw.Length, ScalarKind.Number, raw);
            }

            case JsonTokenType.True:
            case JsonTokenType.False:
            {
                var start = cursor.CharAt(tokenStart);
                var value = reader.TokenType == JsonTokenType.True ? "true" : "false";
                return new DocScalar(start, value.Length, ScalarKind.Boolean, value);
            }

            default:
            {
                var start = cursor.CharAt(tokenStart);
                return new DocScalar(start, 4, ScalarKind.Null, "null");
            }
        }
    }

    /// <summary>What one read shares: positions, the child stacks and the table of strings already decoded.</summary>
    private sealed class State
    {
        // Keys ("type", "description", "$ref") and short values ("string", "#/components/schemas/Id") repeat thousands of
        // times in a large document; one string per distinct text keeps the cached tree small.
        private const int MaxPooledBytes = 96;

        private readonly byte[] _bytes;
        private int[] _buckets = new int[256];
        private PooledString[] _entries = new PooledString[256];
        private int _count;

        public State(OffsetCursor cursor, SourceFile file, byte[] bytes, List<DiagnosticInfo> diagnostics)
        {
            Cursor = cursor;
            File = file;
            _bytes = bytes;
            Diagnostics = diagnostics;
        }

        public OffsetCursor Cursor { get; }
        public SourceFile File { get; }
        public List<DiagnosticInfo> Diagnostics { get; }
        public List<DocProperty> Properties { get; } = new();
        public List<DocNode> Items { get; } = new();

        /// <summary>The current string or number token's text, shared with every earlier token of the same text.</summary>
        public string String(ref Utf8JsonReader reader)
        {
            var span = reader.ValueSpan;
            if (reader.ValueIsEscaped || span.Length > MaxPooledBytes)
            {
                return reader.TokenType == JsonTokenType.Number
                    ? Encoding.UTF8.GetString(_bytes, ValueStart(ref reader), span.Length)
                    : reader.GetString() ?? "";
            }

            var offset = ValueStart(ref reader);
            var hash = Hash(span);
            for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _entries[i].Next - 1)
            {
                ref var entry = ref _entries[i];
                if (entry.Hash == hash && entry.Length == span.Length && span.SequenceEqual(_bytes.AsSpan(entry.Offset, entry.Length)))
                {
                    return entry.Value;
                }
            }

            // A key the readers look up by a literal ("type", "$ref") becomes that literal, so lookups match by reference.
            var value = span.Length == 0 ? "" : Encoding.UTF8.GetString(_bytes, offset, span.Length);
            value = string.IsInterned(value) ?? value;
            Add(new PooledString(hash, offset, span.Length, value));
            return value;
        }

        // Strings are read from the document's own byte array (no sequences), so a value starts one byte after its
        // opening quote and a number at its first byte.
        private static int ValueStart(ref Utf8JsonReader reader) =>
            (int)reader.TokenStartIndex + (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? 1 : 0);

        private static int Hash(ReadOnlySpan<byte> span)
        {
            unchecked
            {
                var hash = (int)2166136261;
                foreach (var b in span)
                {
                    hash = (hash ^ b) * 16777619;
                }

                return hash;
            }
        }

        private void Add(PooledString entry)
        {
            if (_count == _entries.Length)
            {
                System.Array.Resize(ref _entries, _count * 2);
                _buckets = new int[_buckets.Length * 2];
                for (var i = 0; i < _count; i++)
                {
                    ref var existing = ref _entries[i];
                    var bucket = existing.Hash & (_buckets.Length - 1);
                    existing.Next = _buckets[bucket];
                    _buckets[bucket] = i + 1;
                }
            }

            var index = entry.Hash & (_buckets.Length - 1);
            entry.Next = _buckets[index];
            _entries[_count] = entry;
            _buckets[index] = ++_count;
        }

        private struct PooledString(int hash, int offset, int length, string value)
        {
            public readonly int Hash = hash;
            public readonly int Offset = offset;
            public readonly int Length = length;
            public readonly string Value = value;

            // One-based index of the next entry in the bucket; zero ends it.
            public int Next;
        }
    }

    private static string CleanMessage(string message)
    {
        // Utf8JsonReader appends "LineNumber: n | BytePositionInLine: m." — the diagnostic location says that better.
        var index = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (index > 0 ? message.Substring(0, index) : message).Trim();
    }

    /// <summary>Converts UTF-8 byte offsets to character offsets; tokens arrive in order, so it only walks forward.</summary>
    private sealed class OffsetCursor
    {
        private readonly string _text;
        private readonly byte[] _bytes;
        private readonly int _skip;
        private int _byte;
        private int _char;

        public OffsetCursor(string text, byte[] bytes, int skip)
        {
            _text = text;
            _bytes = bytes;
            _skip = skip;
        }

        public int CharAt(int byteOffset)
        {
            byteOffset = Math.Min(byteOffset, _bytes.Length);
            if (byteOffset < _byte)
            {
                _byte = 0;
                _char = 0;
            }

            while (_byte < byteOffset)
            {
                var b = _bytes[_byte];
                var width =
                    b < 0x80 ? 1
                    : b >= 0xF0 ? 4
                    : b >= 0xE0 ? 3
                    : b >= 0xC0 ? 2
                    : 1;
                _byte += width;
                _char += width == 4 ? 2 : 1;
            }

            return _char + _skip;
        }

        public int CharOffsetOf(SourceFile file, int line, int bytePositionInLine)
        {
            var offset = file.LineStart(line);
            var bytes = 0;
            while (offset < _text.Length && bytes < bytePositionInLine && _text[offset] != '\n' && _text[offset] != '\r')
            {
                var c = _text[offset];
                if (char.IsHighSurrogate(c) && offset + 1 < _text.Length)
                {
                    bytes += 4;
                    offset += 2;
                    continue;
                }

                bytes +=
                    c < 0x80 ? 1
                    : c < 0x800 ? 2
                    : 3;
                offset++;
            }

            return offset;
        }
    }
}
