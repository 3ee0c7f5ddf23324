using System.Globalization;
using TypedConnectors.Generator.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TypedConnectors.Generator.Reading;

/// <summary>
/// Reads YAML text into a <see cref="DocNode"/> tree with character positions, from YamlDotNet's parsing events.
/// </summary>
/// <remarks>
/// Plain scalars are typed by the YAML 1.2 core schema (<c>true</c>, <c>42</c>, <c>null</c>), quoted ones stay strings,
/// so a YAML document and its JSON twin read the same. Duplicate keys keep the first value and are reported (as the JSON
/// reader does) instead of failing the document; aliases are shared, with the expanded size bounded by
/// <see cref="ReadLimits.MaxYamlNodes"/> so an alias bomb cannot exhaust the compiler.
/// </remarks>
internal static class YamlDocReader
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    public static DocNode? Read(SourceFile file, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var builder = new Builder(file, diagnostics, cancellationToken);
        var parser = new Parser(new System.IO.StringReader(file.Text));
        try
        {
            return builder.ReadStream(parser);
        }
        catch (YamlException ex)
        {
            var start = ToOffset(ex.Start, file);
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.MalformedDocument,
                    file.Locate(start, start < file.Text.Length ? 1 : 0),
                    "YAML",
                    CleanMessage(ex.Message)
                )
            );
            return null;
        }
        catch (LimitExceededException ex)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.InputTooLarge,
                    file.Locate(ex.Offset, ex.Offset < file.Text.Length ? 1 : 0),
                    ex.Message
                )
            );
            return null;
        }
    }

    private static int ToOffset(Mark mark, SourceFile file)
    {
        if (mark.Index > 0 || (mark.Line <= 1 && mark.Column <= 1))
        {
            return (int)Math.Max(0, Math.Min(mark.Index, file.Text.Length));
        }

        // Some exceptions carry only line and column (1-based).
        var line = (int)Math.Max(0, mark.Line - 1);
        return Math.Min(file.LineStart(line) + (int)Math.Max(0, mark.Column - 1), file.Text.Length);
    }

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the diagnostic location says that already.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return (message.StartsWith("(Line:", StringComparison.Ordinal) && index > 0 ? message.Substring(index + 3) : message).Trim();
    }

    /// <summary>Types a plain scalar by the YAML 1.2 core schema; quoted and block scalars are strings.</summary>
    internal static (ScalarKind Kind, string Text) Resolve(Scalar scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag != "!")
        {
            var name = tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag.Substring(CoreTagPrefix.Length) : tag.TrimStart('!');
            switch (name)
            {
                case "str":
                    return (ScalarKind.String, value);
                case "null":
                    return (ScalarKind.Null, "null");
                case "bool" when CoreSchema.IsBool(value):
                    return (ScalarKind.Boolean, value.ToLowerInvariant());
                case "int" or "float" when Number(value) is { } number:
                    return (ScalarKind.Number, number);
                default:
                    return (ScalarKind.String, value);
            }
        }

        if (scalar.Style != ScalarStyle.Plain || tag == "!")
        {
            return (ScalarKind.String, value);
        }

        if (value.Length == 0 || CoreSchema.IsNull(value))
        {
            return (ScalarKind.Null, "null");
        }

        if (CoreSchema.IsBool(value))
        {
            return (ScalarKind.Boolean, value.ToLowerInvariant());
        }

        if ((value[0] is >= '0' and <= '9' or '-' or '+' or '.') && Number(value) is { } n)
        {
            return (ScalarKind.Number, n);
        }

        return (ScalarKind.String, value);
    }

    /// <summary>A YAML number as JSON number text, or null when it is not one (or has no JSON form, like <c>.inf</c>).</summary>
    private static string? Number(string value)
    {
        if (CoreSchema.IsJsonNumber(value))
        {
            return value;
        }

        if (CoreSchema.IsInt(value))
        {
            var negative = value[0] == '-';
            var digits = value.TrimStart('-', '+').TrimStart('0');
            return digits.Length == 0 ? "0" : (negative ? "-" : "") + digits;
        }

        if (CoreSchema.IsOctal(value) || CoreSchema.IsHex(value))
        {
            try
            {
                return Convert.ToUInt64(value.Substring(2), value[1] == 'o' ? 8 : 16).ToString(CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        if (
            CoreSchema.IsFloat(value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && !double.IsInfinity(d)
        )
        {
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        return null;
    }

    private sealed class LimitExceededException : Exception
    {
        public LimitExceededException(string message, int offset)
            : base(message) => Offset = offset;

        public int Offset { get; }
    }

    private sealed class Builder
    {
        private readonly SourceFile _file;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<string, DocNode> _anchors = new(StringComparer.Ordinal);

        // Children go on shared stacks while a node is read (nested nodes push and pop above them), so each node keeps
        // one exact-size array instead of a growing list.
        private readonly List<DocProperty> _properties = new();
        private readonly List<DocNode> _items = new();

        private const int MaxPooledLength = 96;
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);

        // Expanded size of every anchored node (aliases count in full), so alias use is bounded without expanding anything;
        // the size of the node ReadNode just read is in _lastSize (no per-node table for documents without anchors).
        private readonly Dictionary<DocNode, long> _sizes = new();
        private long _lastSize;
        private long _total;

        public Builder(SourceFile file, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _file = file;
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
        }

        public DocNode? ReadStream(IParser parser)
        {
            Next(parser); // StreamStart
            if (!Next(parser) || parser.Current is StreamEnd)
            {
                _diagnostics.Add(
                    DiagnosticInfo.Create(DiagnosticDescriptors.MalformedDocument, _file.WholeFile(), "YAML", "the file is empty")
                );
                return null;
            }

            if (parser.Current is not DocumentStart)
            {
                throw Unexpected(parser.Current);
            }

            Next(parser);
            var root = ReadNode(parser, 0);
            if (parser.Current is not DocumentEnd)
            {
                throw Unexpected(parser.Current);
            }

            Next(parser);
            if (parser.Current is DocumentStart second)
            {
                var offset = Offset(second.Start);
                _diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.MalformedDocument,
                        _file.Locate(offset, Math.Min(3, _file.Text.Length - offset)),
                        "YAML",
                        "the file holds more than one YAML document; only one is allowed"
                    )
                );
                return null;
            }

            return root;
        }

        private Mark _last = Mark.Empty;

        private bool Next(IParser parser)
        {
            if (parser.Current is { } current)
            {
                _last = current.End;
            }

            try
            {
                return parser.MoveNext();
            }
            catch (Exception ex) when (ex is not YamlException and not OperationCanceledException)
            {
                // YamlDotNet throws InvalidOperationException (and others) on some malformed input, such as an unclosed
                // flow sequence; it is still a syntax error, located after the last event that parsed.
                throw new YamlException(
                    _last,
                    _last,
                    "the YAML is malformed after this point (an unclosed [ or {, or a wrong indentation)"
                );
            }
        }

        private YamlException Unexpected(ParsingEvent? current)
        {
            var start = current?.Start ?? Mark.Empty;
            return new YamlException(start, current?.End ?? start, "unexpected " + (current?.GetType().Name ?? "end of input"));
        }

        private int Offset(Mark mark) => ToOffset(mark, _file);

        /// <summary>Reads the node at the parser's current event and leaves the parser on the event after it.</summary>
        private DocNode ReadNode(IParser parser, int depth)
        {
            var current = parser.Current ?? throw Unexpected(null);
            switch (current)
            {
                case Scalar scalar:
                {
                    Next(parser);
                    var (kind, text) = Resolve(scalar);
                    text = Pooled(text);
                    var start = Offset(scalar.Start);
                    var node = new DocScalar(start, Math.Max(0, Offset(scalar.End) - start), kind, text);
                    return Register(scalar, node, 1);
                }

                case AnchorAlias alias:
                {
                    Next(parser);
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new YamlException(
                            alias.Start,
                            alias.End,
                            "the alias '*" + alias.Value.Value + "' names no anchor defined before it"
                        );
                    }

                    var size = _sizes.TryGetValue(target, out var known) ? known : 1;
                    Count(size, alias.Start);
                    _lastSize = size;
                    _file.MarkSharedNodes();
                    return target;
                }

                case SequenceStart sequence:
                {
                    CheckDepth(depth, sequence.Start);
                    _cancellationToken.ThrowIfCancellationRequested();
                    Next(parser);
                    var first = _items.Count;
                    long size = 1;
                    while (parser.Current is not SequenceEnd)
                    {
                        var item = ReadNode(parser, depth + 1);
                        size += _lastSize;
                        _items.Add(item);
                    }

                    var end = parser.Current;
                    Next(parser);
                    var start = Offset(sequence.Start);
                    var node = new DocArray(
                        start,
                        Math.Max(0, Offset(end.End) - start),
                        DocList<DocNode>.Own(ChildStack.Pop(_items, first))
                    );
                    return Register(sequence, node, size);
                }

                case MappingStart mapping:
                {
                    CheckDepth(depth, mapping.Start);
                    _cancellationToken.ThrowIfCancellationRequested();
                    Next(parser);
                    var properties = _properties;
                    var first = properties.Count;
                    HashSet<string>? seen = null;
                    List<DocNode>? merges = null;
                    long size = 1;
                    while (parser.Current is not MappingEnd)
                    {
                        var keyEvent = parser.Current;
                        if (keyEvent is not Scalar key)
                        {
                            throw new YamlException(
                                keyEvent?.Start ?? Mark.Empty,
                                keyEvent?.End ?? Mark.Empty,
                                "only plain text keys are supported, not complex (sequence, mapping or alias) keys"
                            );
                        }

                        Next(parser);
                        var value = ReadNode(parser, depth + 1);
                        size += _lastSize;
                        var name = Pooled(key.Value ?? "");
                        if (name == "<<" && key.Style == ScalarStyle.Plain)
                        {
                            (merges ??= new List<DocNode>()).Add(value);
                            continue;
                        }

                        var keyStart = Offset(key.Start);
                        var property = new DocProperty(name, keyStart, Math.Max(0, Offset(key.End) - keyStart), value);
                        if (!ChildStack.AddName(properties, first, name, ref seen))
                        {
                            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateKey, _file.LocateName(property), name));
                            continue;
                        }

                        properties.Add(property);
                    }

                    var end = parser.Current;
                    Next(parser);
                    if (merges is not null)
                    {
                        Merge(properties, first, ref seen, merges);
                    }

                    var start = Offset(mapping.Start);
                    var node = new DocObject(
                        start,
                        Math.Max(0, Offset(end.End) - start),
                        DocList<DocProperty>.Own(ChildStack.Pop(properties, first))
                    );
                    return Register(mapping, node, size);
                }

                default:
                    throw Unexpected(current);
            }
        }

        /// <summary>YAML merge keys (<c>&lt;&lt;: *base</c>): keys written in the mapping win over merged ones.</summary>
        private void Merge(List<DocProperty> properties, int first, ref HashSet<string>? seen, List<DocNode> merges)
        {
            foreach (var merge in merges)
            {
                IReadOnlyList<DocNode> sources = merge is DocArray array ? array.Items : new[] { merge };
                foreach (var source in sources)
                {
                    if (source is not DocObject obj)
                    {
                        _diagnostics.Add(
                            DiagnosticInfo.Create(
                                DiagnosticDescriptors.MalformedDocument,
                                _file.Locate(source),
                                "YAML",
                                "a merge key ('<<') must name a mapping or a list of mappings"
                            )
                        );
                        continue;
                    }

                    foreach (var property in obj.Properties)
                    {
                        if (ChildStack.AddName(properties, first, property.Name, ref seen))
                        {
                            properties.Add(property);
                        }
                    }
                }
            }
        }

        /// <summary>One string per distinct key or short value text, so the cached tree holds each once.</summary>
        private string Pooled(string text)
        {
            if (text.Length > MaxPooledLength)
            {
                return text;
            }

            if (_pool.TryGetValue(text, out var pooled))
            {
                return pooled;
            }

            // A key the readers look up by a literal ("type", "$ref") becomes that literal, so lookups match by reference.
            pooled = string.IsInterned(text) ?? text;
            _pool.Add(text, pooled);
            return pooled;
        }

        private void CheckDepth(int depth, Mark mark)
        {
            if (depth >= ReadLimits.MaxDepth)
            {
                throw new LimitExceededException("nesting deeper than " + ReadLimits.MaxDepth + " levels", Offset(mark));
            }
        }

        private void Count(long nodes, Mark mark)
        {
            _total += nodes;
            if (_total > ReadLimits.MaxYamlNodes)
            {
                throw new LimitExceededException(
                    "the YAML expands to more than "
                        + ReadLimits.MaxYamlNodes.ToString("N0", CultureInfo.InvariantCulture)
                        + " nodes through aliases",
                    Offset(mark)
                );
            }
        }

        private DocNode Register(NodeEvent nodeEvent, DocNode node, long size)
        {
            Count(1, nodeEvent.Start);
            _lastSize = size;
            if (!nodeEvent.Anchor.IsEmpty)
            {
                _anchors[nodeEvent.Anchor.Value] = node;
                if (node is not DocScalar)
                {
                    _sizes[node] = size;
                }
            }

            return node;
        }
    }
}
