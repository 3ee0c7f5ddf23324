using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// The text of a generated file as the <see cref="SourceWriter"/> left it, in chunks; compared by content, so the
/// incremental pipeline sees an unchanged file as unchanged.
/// </summary>
internal sealed class GeneratedText : IEquatable<GeneratedText>
{
    private readonly TextChunk[] _chunks;

    internal GeneratedText(TextChunk[] chunks, int length)
    {
        _chunks = chunks;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The text for <c>AddSource</c>, over the same chunks (nothing is copied).</summary>
    public SourceText ToSourceText() => new ChunkedSourceText(this);

    public bool Equals(GeneratedText? other)
    {
        if (other is null || other.Length != Length)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Walks both chunk lists at once; their boundaries need not line up.
        int a = 0,
            aAt = 0,
            b = 0,
            bAt = 0;
        var remaining = Length;
        while (remaining > 0)
        {
            var left = _chunks[a];
            var right = other._chunks[b];
            var n = Math.Min(left.Length - aAt, right.Length - bAt);
            for (var i = 0; i < n; i++)
            {
                if (left[aAt + i] != right[bAt + i])
                {
                    return false;
                }
            }

            remaining -= n;
            aAt += n;
            bAt += n;
            if (aAt == left.Length)
            {
                a++;
                aAt = 0;
            }

            if (bAt == right.Length)
            {
                b++;
                bAt = 0;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as GeneratedText);

    public override int GetHashCode()
    {
        // The length and the last chars written: cheap, and equal texts have equal hashes.
        var hash = Length;
        if (_chunks.Length > 0)
        {
            var last = _chunks[_chunks.Length - 1];
            for (var i = Math.Max(0, last.Length - 64); i < last.Length; i++)
            {
                hash = unchecked((hash * 31) + last[i]);
            }
        }

        return hash;
    }

    public override string ToString()
    {
        var chars = new char[Length];
        var at = 0;
        foreach (var chunk in _chunks)
        {
            chunk.CopyTo(0, chars, at, chunk.Length);
            at += chunk.Length;
        }

        return new string(chars);
    }

    /// <summary>A <see cref="SourceText"/> over the chunks, UTF-8 like the texts <c>AddSource(string, string)</c> makes.</summary>
    private sealed class ChunkedSourceText : SourceText
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        private readonly TextChunk[] _chunks;

        // Where each chunk starts in the text, for the binary search of this[int] and CopyTo.
        private readonly int[] _starts;
        private readonly int _length;

        public ChunkedSourceText(GeneratedText text)
        {
            _chunks = text._chunks;
            _length = text.Length;
            _starts = new int[_chunks.Length];
            var start = 0;
            for (var i = 0; i < _chunks.Length; i++)
            {
                _starts[i] = start;
                start += _chunks[i].Length;
            }
        }

        public override Encoding Encoding => Utf8;

        public override int Length => _length;

        public override char this[int position]
        {
            get
            {
                if ((uint)position >= (uint)_length)
                {
                    throw new ArgumentOutOfRangeException(nameof(position));
                }

                var index = ChunkAt(position);
                return _chunks[index][position - _starts[index]];
            }
        }

        public override void CopyTo(int sourceIndex, char[] destination, int destinationIndex, int count)
        {
            if (sourceIndex < 0 || count < 0 || sourceIndex > _length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(sourceIndex));
            }

            if (count == 0)
            {
                return;
            }

            var index = ChunkAt(sourceIndex);
            var offset = sourceIndex - _starts[index];
            while (count > 0)
            {
                var chunk = _chunks[index];
                var n = Math.Min(count, chunk.Length - offset);
                chunk.CopyTo(offset, destination, destinationIndex, n);
                destinationIndex += n;
                count -= n;
                index++;
                offset = 0;
            }
        }

        public override string ToString(TextSpan span)
        {
            if (span.End > _length)
            {
                throw new ArgumentOutOfRangeException(nameof(span));
            }

            var chars = new char[span.Length];
            CopyTo(span.Start, chars, 0, span.Length);
            return new string(chars);
        }

        private int ChunkAt(int position)
        {
            int low = 0,
                high = _starts.Length - 1;
            while (low < high)
            {
                var middle = (low + high + 1) >> 1;
                if (_starts[middle] <= position)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return low;
        }
    }
}
