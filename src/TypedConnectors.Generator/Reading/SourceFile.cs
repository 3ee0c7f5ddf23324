using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Reading;

/// <summary>The text of one input file with a line map, to turn character offsets into located diagnostics.</summary>
internal sealed class SourceFile
{
    private readonly int[] _lineStarts;

    public SourceFile(string path, string text)
    {
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n' || c == '\u2028' || c == '\u2029' || c == '\u0085')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = starts.ToArray();
    }

    public string Path { get; }

    /// <summary>
    /// Whether one node of this file's tree is at several places in it (a YAML alias, or a merge key, which shares the
    /// merged values). Without that, a node is one location.
    /// </summary>
    public bool SharesNodes { get; private set; }

    /// <summary>Recorded by the reader while it builds the tree, before the tree is shared.</summary>
    internal void MarkSharedNodes() => SharesNodes = true;

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    public int LineStart(int line) => _lineStarts[Math.Max(0, Math.Min(line, _lineStarts.Length - 1))];

    public (int Line, int Column) Position(int offset)
    {
        offset = Math.Max(0, Math.Min(offset, Text.Length));
        var index = Array.BinarySearch(_lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line, offset - _lineStarts[line]);
    }

    public LocationInfo Locate(int start, int length)
    {
        start = Math.Max(0, Math.Min(start, Text.Length));
        length = Math.Max(0, Math.Min(length, Text.Length - start));
        var (startLine, startColumn) = Position(start);
        var (endLine, endColumn) = Position(start + length);
        return new LocationInfo(Path, start, length, startLine, startColumn, endLine, endColumn);
    }

    public LocationInfo Locate(DocNode node) => Locate(node.Start, node.Length);

    public LocationInfo LocateName(DocProperty property) => Locate(property.NameStart, property.NameLength);

    public LocationInfo WholeFile() => Locate(0, 0);
}

internal static class SourceFileExtensions
{
    /// <summary>
    /// Maps an index into a string value's decoded text back to a source offset, so an error inside an
    /// escaped JSON string (a body template, say) still points at the right column.
    /// </summary>
    public static int OffsetInString(this SourceFile file, DocScalar node, int index)
    {
        var text = file.Text;
        var raw = node.Start;
        if (raw >= text.Length || (text[raw] != '"' && text[raw] != '\''))
        {
            return Math.Min(node.Start + index, node.Start + node.Length);
        }

        var quote = text[raw];
        raw++;
        var decoded = 0;
        while (decoded < index && raw < text.Length && text[raw] != quote)
        {
            if (text[raw] == '\\' && quote == '"' && raw + 1 < text.Length)
            {
                raw += text[raw + 1] == 'u' ? 6 : 2;
            }
            else
            {
                raw++;
            }

            decoded++;
        }

        return raw;
    }
}
