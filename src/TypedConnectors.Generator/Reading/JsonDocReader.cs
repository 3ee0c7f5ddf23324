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

            var root = ReadValue(ref reader, cursor, file, diagnostics, cancellationToken);
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

    private static DocNode ReadValue(
        ref Utf8JsonReader reader,
        OffsetCursor cursor,
        SourceFile file,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken
    )
    {
        var tokenStart = (int)reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = cursor.CharAt(tokenStart);
                var properties = new List<DocProperty>();
                HashSet<string>? seen = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var nameStartByte = (int)reader.TokenStartIndex;
                    var nameStart = cursor.CharAt(nameStartByte);
                    var nameEnd = cursor.CharAt(nameStartByte + reader.ValueSpan.Length + 2);
                    var name = reader.GetString() ?? "";
                    reader.Read();
                    var value = ReadValue(ref reader, cursor, file, diagnostics, cancellationToken);
                    var property = new DocProperty(name, nameStart, nameEnd - nameStart, value);
                    if (IsDuplicate(properties, name, ref seen))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateKey, file.LocateName(property), name));
                    }

                    properties.Add(property);
                }

                var end = cursor.CharAt((int)reader.TokenStartIndex + 1);
                return new DocObject(start, end - start, properties);
            }

            case JsonTokenType.StartArray:
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = cursor.CharAt(tokenStart);
                var items = new List<DocNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, cursor, file, diagnostics, cancellationToken));
                }

                var end = cursor.CharAt((int)reader.TokenStartIndex + 1);
                return new DocArray(start, end - start, items);
            }

            case JsonTokenType.String:
            {
                var start = cursor.CharAt(tokenStart);
                var end = cursor.CharAt(tokenStart + reader.ValueSpan.Length + 2);
                return new DocScalar(start, end - start, ScalarKind.String, reader.GetString() ?? "");
            }

            case JsonTokenType.Number:
            {
                var start = cursor.CharAt(tokenStart);
                var raw = Encoding.UTF8.GetString(reader.ValueSpan.ToArray());
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

    /// <summary>Whether an earlier property has this name: a scan for small objects, a set once an object is large.</summary>
    private static bool IsDuplicate(List<DocProperty> properties, string name, ref HashSet<string>? seen)
    {
        const int ScanLimit = 8;
        if (seen is null)
        {
            if (properties.Count < ScanLimit)
            {
                foreach (var property in properties)
                {
                    if (string.Equals(property.Name, name, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }

            seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in properties)
            {
                seen.Add(property.Name);
            }
        }

        return !seen.Add(name);
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
