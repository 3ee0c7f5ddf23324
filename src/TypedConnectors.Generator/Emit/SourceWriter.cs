using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Indenting text writer for generated C#; always writes "\n" line endings so output is identical everywhere.
/// </summary>
/// <remarks>
/// Text goes into chunks that are never copied again: a full chunk is kept and the next one started, another
/// writer's chunks are linked in by <see cref="Append"/>, and <see cref="ToText"/> hands the chunks on as they are
/// (a generated file can be tens of megabytes; one contiguous buffer or string of it would be copied at every growth
/// and once more at the end). Generated C# is nearly all ASCII, so chunks hold one byte per char (Latin-1) and only
/// text with a char beyond U+00FF goes into a char chunk. Lines are written part by part:
/// <see cref="Line(ref LineHandler)"/> takes interpolated strings without building them.
/// </remarks>
internal sealed class SourceWriter
{
    private const int FirstChunk = 1024;

    // Full-size chunks (128 K chars: 128 KB as bytes) are on the large object heap on purpose. A generated file is kept
    // for the whole build, so on the small object heap every chunk would be copied twice by the garbage collector
    // (gen0 to gen1 to gen2); for a 60 MB client that was ~100-150 ms of pauses. All of one size, freed chunks are
    // reused by the next build's.
    private const int MaxChunk = 128 * 1024;

    // Text linked in from other writers is copied instead when it is this short.
    private const int LinkThreshold = 4096;

    private readonly List<TextChunk> _full = new();

    // The current chunk: one of the two, or neither (capacity 0) before the first write and after Seal.
    private byte[]? _bytes;
    private char[]? _chars;
    private int _capacity;
    private int _position;
    private int _fullLength;
    private int _nextChunk = FirstChunk;
    private int _indent;
    private bool _lineStarted;

    public SourceWriter(int indent = 0) => _indent = indent;

    /// <summary>The number of chars written so far.</summary>
    public int Length => _fullLength + _position;

    /// <summary>Appends text another writer produced (already indented). The other writer must not be written to afterwards.</summary>
    public SourceWriter Append(SourceWriter other)
    {
        if (other.Length <= LinkThreshold)
        {
            Write(other.ToText().ToString());
            return this;
        }

        Seal();
        other.Seal();
        _full.AddRange(other._full);
        _fullLength += other._fullLength;
        return this;
    }

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            WriteIndent();
            Write(text);
        }

        WriteChar('\n');
        return this;
    }

    /// <summary>A line from an interpolated string, written part by part (indented only when something is written).</summary>
    public SourceWriter Line([InterpolatedStringHandlerArgument("")] ref LineHandler text)
    {
        EndLine();
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Open([InterpolatedStringHandlerArgument("")] ref LineHandler text)
    {
        EndLine();
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Opens a block after a line written part by part.</summary>
    public SourceWriter OpenBrace()
    {
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        WriteIndent();
        WriteChar('}');
        Write(suffix);
        WriteChar('\n');
        return this;
    }

    /// <summary>Starts a line written with <see cref="Part"/> and ended with <see cref="EndLine"/>.</summary>
    public void StartLine() => _lineStarted = false;

    /// <summary>Writes part of the current line, indenting it first when this is its first non-empty part.</summary>
    public void Part(string? text)
    {
        if (text is { Length: > 0 })
        {
            if (!_lineStarted)
            {
                WriteIndent();
                _lineStarted = true;
            }

            Write(text);
        }
    }

    /// <summary>Writes a number as part of the current line.</summary>
    public void Part(int value) => Part(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Ends the current line.</summary>
    public void EndLine()
    {
        _lineStarted = false;
        WriteChar('\n');
    }

    /// <summary>The text written, as it stands; the writer must not be written to afterwards.</summary>
    public GeneratedText ToText()
    {
        Seal();
        return new GeneratedText(_full.ToArray(), _fullLength);
    }

    public override string ToString() => ToText().ToString();

    private void WriteIndent()
    {
        var count = _indent * 4;
        while (count > 0)
        {
            if (_position == _capacity)
            {
                NextChunk(wide: false);
            }

            var n = Math.Min(count, _capacity - _position);
            if (_bytes is { } bytes)
            {
                for (var i = 0; i < n; i++)
                {
                    bytes[_position + i] = (byte)' ';
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    _chars![_position + i] = ' ';
                }
            }

            _position += n;
            count -= n;
        }
    }

    /// <summary>Writes an ASCII char.</summary>
    private void WriteChar(char c)
    {
        if (_position == _capacity)
        {
            NextChunk(wide: false);
        }

        if (_bytes is { } bytes)
        {
            bytes[_position++] = (byte)c;
        }
        else
        {
            _chars![_position++] = c;
        }
    }

    private void Write(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            if (_position == _capacity)
            {
                NextChunk(wide: false);
            }

            var n = Math.Min(text.Length - start, _capacity - _position);
            if (_bytes is { } bytes)
            {
                var i = Narrow(text.AsSpan(start, n), bytes.AsSpan(_position, n));
                _position += i;
                start += i;
                if (i < n)
                {
                    // A char beyond Latin-1: the text goes on in a char chunk.
                    NextChunk(wide: true);
                }
            }
            else
            {
                text.CopyTo(start, _chars!, _position, n);
                _position += n;
                start += n;
            }
        }
    }

    /// <summary>Copies chars to Latin-1 bytes up to the first char beyond U+00FF; returns how many were copied.</summary>
    private static int Narrow(ReadOnlySpan<char> source, Span<byte> destination)
    {
        var i = 0;
        var step = Vector<ushort>.Count;
        if (Vector.IsHardwareAccelerated && source.Length >= 2 * step)
        {
            var words = MemoryMarshal.AsBytes(source);
            var latin1 = new Vector<ushort>(0xFF);
            for (; i <= source.Length - (2 * step); i += 2 * step)
            {
                var low = MemoryMarshal.Read<Vector<ushort>>(words.Slice(2 * i));
                var high = MemoryMarshal.Read<Vector<ushort>>(words.Slice(2 * (i + step)));
                if (Vector.GreaterThanAny(low | high, latin1))
                {
                    break;
                }

                var narrowed = Vector.Narrow(low, high);
                MemoryMarshal.Write(destination.Slice(i), ref narrowed);
            }
        }

        for (; i < source.Length; i++)
        {
            var c = source[i];
            if (c > '\u00FF')
            {
                break;
            }

            destination[i] = (byte)c;
        }

        return i;
    }

    private void NextChunk(bool wide)
    {
        Seal();
        if (wide)
        {
            _chars = new char[_nextChunk];
        }
        else
        {
            _bytes = new byte[_nextChunk];
        }

        _capacity = _nextChunk;
        _nextChunk = Math.Min(MaxChunk, _nextChunk * 2);
    }

    /// <summary>Moves the current chunk's text to the full chunks; the next write starts a new chunk.</summary>
    private void Seal()
    {
        if (_position > 0)
        {
            _full.Add(_bytes is not null ? new TextChunk(_bytes, _position) : new TextChunk(_chars!, _position));
            _fullLength += _position;
        }

        _bytes = null;
        _chars = null;
        _capacity = 0;
        _position = 0;
    }

    /// <summary>Builds a line from an interpolated string straight into the writer.</summary>
    [InterpolatedStringHandler]
    public ref struct LineHandler
    {
        private readonly SourceWriter _writer;

        public LineHandler(int literalLength, int formattedCount, SourceWriter writer)
        {
            _ = literalLength;
            _ = formattedCount;
            _writer = writer;
            writer.StartLine();
        }

        public readonly void AppendLiteral(string value) => _writer.Part(value);

        public readonly void AppendFormatted(string? value) => _writer.Part(value);

        public readonly void AppendFormatted(int value) => _writer.Part(value);
    }
}

/// <summary>A run of text in a chunk: its first <see cref="Length"/> chars, as chars or as Latin-1 bytes.</summary>
internal readonly struct TextChunk
{
    private readonly char[]? _chars;
    private readonly byte[]? _bytes;

    public TextChunk(char[] chars, int length)
    {
        _chars = chars;
        _bytes = null;
        Length = length;
    }

    public TextChunk(byte[] bytes, int length)
    {
        _chars = null;
        _bytes = bytes;
        Length = length;
    }

    public int Length { get; }

    public char this[int index] => _bytes is { } bytes ? (char)bytes[index] : _chars![index];

    public void CopyTo(int offset, char[] destination, int destinationIndex, int count)
    {
        if (_bytes is { } bytes)
        {
            for (var i = 0; i < count; i++)
            {
                destination[destinationIndex + i] = (char)bytes[offset + i];
            }
        }
        else
        {
            Array.Copy(_chars!, offset, destination, destinationIndex, count);
        }
    }
}
