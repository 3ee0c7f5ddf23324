namespace TypedConnectors.Generator.Reading;

// A small document tree with source positions, built from JSON or YAML. Readers for every
// dialect work on it, so that any diagnostic can point at the key or value it is about.

internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

internal abstract class DocNode
{
    protected DocNode(int start, int length)
    {
        Start = start;
        Length = length;
    }

    /// <summary>Character offset in the source text.</summary>
    public int Start { get; }
    public int Length { get; }

    public abstract string KindName { get; }
}

internal sealed class DocObject : DocNode
{
    public DocObject(int start, int length, IReadOnlyList<DocProperty> properties)
        : base(start, length) => Properties = DocList<DocProperty>.From(properties);

    public DocList<DocProperty> Properties { get; }

    public override string KindName => "object";

    // Objects with thousands of keys (the paths or schemas of a large OpenAPI document) are looked up by JSON pointer for
    // every element; a lazily built index keeps that linear in the document instead of quadratic.
    private const int IndexThreshold = 16;
    private Dictionary<string, DocProperty>? _index;

    /// <summary>First property with this exact name (JSON duplicate keys: the first wins and the reader reports the rest).</summary>
    public DocProperty? Find(string name)
    {
        if (Properties.Count > IndexThreshold)
        {
            var index = Volatile.Read(ref _index);
            if (index is null)
            {
                index = new Dictionary<string, DocProperty>(StringComparer.Ordinal);
                foreach (var property in Properties)
                {
                    if (!index.ContainsKey(property.Name))
                    {
                        index.Add(property.Name, property);
                    }
                }

                // Trees are shared between threads (Reading/DocTrees.cs): publish the index once, atomically.
                index = Interlocked.CompareExchange(ref _index, index, null) ?? index;
            }

            return index.TryGetValue(name, out var found) ? found : null;
        }

        foreach (var property in Properties)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                return property;
            }
        }

        return null;
    }

    public DocNode? Get(string name) => Find(name)?.Value;

    /// <summary>The first property <paramref name="match"/> accepts, or null.</summary>
    public DocProperty? First(Func<DocProperty, bool> match)
    {
        foreach (var property in Properties)
        {
            if (match(property))
            {
                return property;
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="Find(string)"/> for the name <paramref name="text"/> holds from <paramref name="start"/> on
    /// (<paramref name="length"/> characters): a pointer's segments are looked up without cutting them out first.
    /// </summary>
    public DocProperty? Find(string text, int start, int length)
    {
        if (Properties.Count > IndexThreshold)
        {
            return Find(text.Substring(start, length));
        }

        foreach (var property in Properties)
        {
            if (property.Name.Length == length && string.CompareOrdinal(property.Name, 0, text, start, length) == 0)
            {
                return property;
            }
        }

        return null;
    }
}

/// <summary>JSON pointers (RFC 6901) into a tree.</summary>
internal static class DocPointer
{
    /// <summary>
    /// Walks the segments of <paramref name="pointer"/> after its first character from <paramref name="root"/>: the node
    /// it names, or the deepest existing ancestor with <paramref name="exact"/> false. <paramref name="property"/> is the
    /// property holding the node reached (null for the root and array items).
    /// </summary>
    public static DocNode Walk(DocNode root, string pointer, out DocProperty? property, out bool exact)
    {
        // Hot path (every $ref and every located diagnostic): segments are compared in place, and only one that has an
        // escape (~0, ~1) or names a key of a large, indexed object becomes a string.
        property = null;
        exact = true;
        var node = root;
        var start = 1;
        while (true)
        {
            var end = pointer.IndexOf('/', start);
            if (end < 0)
            {
                end = pointer.Length;
            }

            var length = end - start;
            if (node is DocObject obj)
            {
                var found =
                    pointer.IndexOf('~', start, length) >= 0
                        ? obj.Find(Unescape(pointer.Substring(start, length)))
                        : obj.Find(pointer, start, length);
                if (found is not { } key)
                {
                    exact = false;
                    return node;
                }

                property = key;
                node = key.Value;
            }
            else if (node is DocArray array && Index(pointer, start, length) is var index && index >= 0 && index < array.Items.Count)
            {
                property = null;
                node = array.Items[index];
            }
            else
            {
                exact = false;
                return node;
            }

            if (end == pointer.Length)
            {
                return node;
            }

            start = end + 1;
        }
    }

    public static string Unescape(string segment) => segment.Replace("~1", "/").Replace("~0", "~");

    /// <summary>The segment as an array index (ASCII digits only, as <c>int.TryParse</c> with no styles reads it), or -1.</summary>
    private static int Index(string pointer, int start, int length)
    {
        if (length == 0)
        {
            return -1;
        }

        long value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = pointer[i];
            if (c is < '0' or > '9')
            {
                return -1;
            }

            value = (value * 10) + (c - '0');
            if (value > int.MaxValue)
            {
                return -1;
            }
        }

        return (int)value;
    }
}

/// <summary>A key of an object and its value; a struct held in its object's array (a large document has hundreds of
/// thousands, and the tree is cached for the build, so every object is one the garbage collector keeps tracing).</summary>
internal readonly struct DocProperty
{
    public DocProperty(string name, int nameStart, int nameLength, DocNode value)
    {
        Name = name;
        NameStart = nameStart;
        NameLength = nameLength;
        Value = value;
    }

    public string Name { get; }
    public int NameStart { get; }
    public int NameLength { get; }
    public DocNode Value { get; }
}

internal sealed class DocArray : DocNode
{
    public DocArray(int start, int length, IReadOnlyList<DocNode> items)
        : base(start, length) => Items = DocList<DocNode>.From(items);

    public DocList<DocNode> Items { get; }

    public override string KindName => "array";
}

internal sealed class DocScalar : DocNode
{
    public DocScalar(int start, int length, ScalarKind kind, string text)
        : base(start, length)
    {
        Kind = kind;
        Text = text;
    }

    public ScalarKind Kind { get; }

    /// <summary>String value (unescaped), number as written, <c>true</c>/<c>false</c>, or <c>null</c>.</summary>
    public string Text { get; }

    public override string KindName =>
        Kind switch
        {
            ScalarKind.String => "string",
            ScalarKind.Number => "number",
            ScalarKind.Boolean => "boolean",
            _ => "null",
        };
}

/// <summary>
/// The children of an object or array: an exact-size array with a struct enumerator. Readers loop over the children of
/// every node they visit, and an <see cref="IReadOnlyList{T}"/> would box an enumerator for each loop.
/// </summary>
internal readonly struct DocList<T> : IReadOnlyList<T>
{
    public static readonly DocList<T> Empty = new(System.Array.Empty<T>());

    private readonly T[]? _array;

    private DocList(T[] items) => _array = items;

    private T[] _items => _array ?? System.Array.Empty<T>();

    public static DocList<T> From(IReadOnlyList<T> items)
    {
        switch (items)
        {
            case DocList<T> list:
                return list;
            case { Count: 0 }:
                return Empty;
            case T[] array:
                return new DocList<T>(array);
        }

        var copy = new T[items.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = items[i];
        }

        return new DocList<T>(copy);
    }

    /// <summary>Takes <paramref name="items"/> without copying: the caller hands over an array it no longer changes.</summary>
    public static DocList<T> Own(T[] items) => items.Length == 0 ? Empty : new DocList<T>(items);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public Enumerator GetEnumerator() => new(_items);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public struct Enumerator
    {
        private readonly T[] _items;
        private int _index;

        internal Enumerator(T[] items)
        {
            _items = items;
            _index = -1;
        }

        public T Current => _items[_index];

        public bool MoveNext() => ++_index < _items.Length;
    }
}
