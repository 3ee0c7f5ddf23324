using Microsoft.CodeAnalysis.CSharp;

namespace TypedConnectors.Generator.Model;

/// <summary>Turns names from input files into valid, conventional C# identifiers.</summary>
internal static class Naming
{
    /// <summary>The identifier made from <paramref name="name"/>, made once per name and kept in <paramref name="made"/>.</summary>
    public static string Once(Dictionary<string, string> made, string name, Func<string, string> make)
    {
        if (!made.TryGetValue(name, out var identifier))
        {
            identifier = make(name);
            made.Add(name, identifier);
        }

        return identifier;
    }

    /// <summary>Members of <see cref="object"/>: a declared member of that name would hide or clash with them (CS0108, CS0114).</summary>
    public static readonly string[] ObjectMembers =
    {
        "Equals",
        "GetHashCode",
        "ToString",
        "GetType",
        "MemberwiseClone",
        "Finalize",
        "ReferenceEquals",
    };

    /// <summary>
    /// Members the compiler gives every record (CS8859 forbids <c>Clone</c> outright), plus the ones generated records
    /// declare themselves (<c>Validate</c>, <c>AdditionalProperties</c>); a property may not take these names.
    /// </summary>
    public static readonly string[] RecordMembers = ObjectMembers
        .Concat(new[] { "EqualityContract", "PrintMembers", "Deconstruct", "Clone", "Validate", "AdditionalProperties" })
        .ToArray();

    /// <summary>
    /// Names a generated type may not take: a record named like one of its own members does not compile (CS0542), and
    /// records have the members above; unions also declare <c>Json</c> and <c>From</c>.
    /// </summary>
    public static readonly string[] TypeNames = RecordMembers.Concat(new[] { "Json", "From" }).ToArray();

    /// <summary>Members of a generated client (and of its operation groups): methods and group properties avoid them.</summary>
    public static readonly string[] ClientMembers = ObjectMembers
        .Concat(
            new[]
            {
                "Connection",
                "HttpClient",
                "Dispose",
                "SendAsync",
                "GetAsync",
                "PostAsync",
                "PutAsync",
                "PatchAsync",
                "DeleteAsync",
                "BaseUrlTemplate",
                "Slug",
                "ConnectMcpAsync",
                "McpEndpoint",
            }
        )
        .ToArray();

    /// <summary>Members of a generated connection class: field properties avoid them.</summary>
    public static readonly string[] ConnectionMembers = ObjectMembers
        .Concat(
            new[]
            {
                "AuthMethod",
                "GetValue",
                "Descriptor",
                "BaseAddress",
                "Create",
                "CreateHandler",
                "CreateHttpClient",
                "CreateDelegatingHandler",
                "OAuth",
                "OAuthSession",
                "ConnectionId",
                "Dispose",
                "DisposeAsync",
                "AuthMethodDescriptor",
                "RateLimiter",
                "MaxConcurrency",
                "TimeProvider",
                "GetAuthValue",
                "IsSecret",
                "CreateSharedHttpClient",
                "RequireValue",
            }
        )
        .ToArray();

    /// <summary>Names an enum member may not take: the compiler's backing field of every enum.</summary>
    public static readonly string[] EnumMembers = { "value__" };

    // ToPascal runs for every schema, property, parameter and operation name; it writes into one per-thread buffer
    // (a scratch array, not a cache of results) and returns the input itself when it is already PascalCase.
    [ThreadStatic]
    private static char[]? _pascalBuffer;

    public static string ToPascal(string name, string fallback)
    {
        // buffer[0] is kept for the '_' that an identifier starting with a digit gets.
        var buffer = _pascalBuffer;
        if (buffer is null || buffer.Length < name.Length + 1)
        {
            buffer = _pascalBuffer = new char[Math.Max(64, name.Length + 1)];
        }

        var length = 0;
        var words = new WordCursor(name);
        while (words.Next(out var start, out var count))
        {
            var allUpper = true;
            var ascii = true;
            for (var i = start; i < start + count; i++)
            {
                var c = name[i];
                allUpper &= !char.IsLower(c);
                ascii &= c < 0x80;
            }

            buffer[++length] = char.ToUpperInvariant(name[start]);
            if (allUpper && !ascii)
            {
                // Outside ASCII, lower-case the rest exactly as string.ToLowerInvariant does.
                var lowered = name.Substring(start + 1, count - 1).ToLowerInvariant();
                lowered.CopyTo(0, buffer, length + 1, lowered.Length);
                length += lowered.Length;
            }
            else
            {
                for (var i = start + 1; i < start + count; i++)
                {
                    var c = name[i];
                    buffer[++length] = allUpper && c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
                }
            }
        }

        if (length == 0)
        {
            return fallback;
        }

        if (!SyntaxFacts.IsIdentifierStartCharacter(buffer[1]))
        {
            buffer[0] = '_';
            return new string(buffer, 0, length + 1);
        }

        return Same(buffer, length, name) ? name : new string(buffer, 1, length);
    }

    private static bool Same(char[] buffer, int length, string name)
    {
        if (length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            if (buffer[i + 1] != name[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="name"/> without its leading words when they repeat the last words of <paramref name="owner"/>
    /// ("VerifyV2Verification" under "TwilioVerifyV2" is "Verification"); unchanged when nothing would remain.
    /// </summary>
    public static string WithoutLeadingWordsOf(string name, string owner)
    {
        var words = Words(name);
        var ownerWords = Words(owner);
        for (var count = Math.Min(words.Count - 1, ownerWords.Count); count > 0; count--)
        {
            var repeats = true;
            for (var i = 0; i < count && repeats; i++)
            {
                repeats = string.Equals(words[i], ownerWords[ownerWords.Count - count + i], StringComparison.OrdinalIgnoreCase);
            }

            if (repeats)
            {
                return ToPascal(string.Join(" ", words.Skip(count)), name);
            }
        }

        return name;
    }

    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var cursor = new WordCursor(name);
        while (cursor.Next(out var start, out var count))
        {
            words.Add(name.Substring(start, count));
        }

        return words;
    }

    /// <summary>
    /// Splits at separators, lower→upper and letter↔digit changes, and before the last capital of an acronym; each word
    /// is a run of the name's own characters, handed out as its start and length.
    /// </summary>
    private struct WordCursor(string name)
    {
        private int _next;

        public bool Next(out int start, out int count)
        {
            start = 0;
            count = 0;
            while (_next < name.Length)
            {
                var i = _next;
                var c = name[i];
                // Formatting characters (U+200B, U+FEFF, U+202E, ...) are legal in identifiers but the compiler ignores
                // them, so "x\uFEFFy" and "xy" would be one identifier to it and two to a Scope: they separate words instead.
                if (
                    !SyntaxFacts.IsIdentifierPartCharacter(c)
                    || c == '_'
                    || char.IsControl(c)
                    || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format
                )
                {
                    _next++;
                    if (count > 0)
                    {
                        return true;
                    }

                    continue;
                }

                if (count > 0)
                {
                    var previous = name[i - 1];
                    var next = i + 1 < name.Length ? name[i + 1] : '\0';
                    var boundary =
                        (char.IsLower(previous) && char.IsUpper(c))
                        || (char.IsDigit(previous) != char.IsDigit(c))
                        || (char.IsUpper(previous) && char.IsUpper(c) && char.IsLower(next));
                    if (boundary)
                    {
                        return true;
                    }
                }
                else
                {
                    start = i;
                }

                count++;
                _next++;
            }

            return count > 0;
        }
    }

    public static string ToCamel(string name, string fallback)
    {
        var pascal = ToPascal(name, fallback);
        if (pascal[0] == '_' || !char.IsUpper(pascal[0]))
        {
            return EscapeKeyword(pascal);
        }

        var end = 1;
        while (end < pascal.Length && char.IsUpper(pascal[end]) && (end + 1 == pascal.Length || char.IsUpper(pascal[end + 1])))
        {
            end++;
        }

        return EscapeKeyword(pascal.Substring(0, end).ToLowerInvariant() + pascal.Substring(end));
    }

    /// <summary>A slug from a connector's name: lower-case ASCII letters and digits separated by single dashes.</summary>
    public static string Slugify(string name)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[builder.Length - 1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length == 0 ? "connector" : slug;
    }

    /// <summary>Prefixes C# keywords with <c>@</c> so they can be used as identifiers.</summary>
    public static string EscapeKeyword(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    public static string Unescaped(string identifier) => Identifier.Bare(identifier);

    /// <summary><see cref="RecordMembers"/> as a set, shared by the member scope of every record (a constant table).</summary>
    internal static readonly HashSet<string> RecordMemberSet = new(RecordMembers, StringComparer.Ordinal);

    /// <summary>Hands out unique names: the first comer keeps its name, later ones get a numeric suffix.</summary>
    /// <remarks>
    /// The binder opens one scope per record and per operation, most of which hand out a few names: those are kept in a
    /// small array and scanned, and only a scope that grows past it builds a set.
    /// </remarks>
    internal sealed class Scope
    {
        private const int SmallLimit = 8;

        private readonly HashSet<string>? _shared;
        private string[]? _small;
        private int _count;
        private HashSet<string>? _used;

        public Scope(IEnumerable<string>? reserved = null)
        {
            if (reserved is not null)
            {
                foreach (var name in reserved)
                {
                    Add(name);
                }
            }
        }

        /// <summary>A scope whose reserved names are <paramref name="shared"/> (not copied, never changed).</summary>
        public Scope(HashSet<string> shared) => _shared = shared;

        /// <summary>A scope whose reserved names are <paramref name="shared"/> (not copied, never changed) and <paramref name="extra"/>.</summary>
        public Scope(HashSet<string> shared, string extra)
            : this(shared) => Add(extra);

        public string Claim(string identifier)
        {
            var bare = Unescaped(identifier);
            if (Add(bare))
            {
                return identifier;
            }

            for (var i = 2; ; i++)
            {
                var candidate = bare + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (Add(candidate))
                {
                    return candidate;
                }
            }
        }

        public bool IsUsed(string identifier) => Contains(Unescaped(identifier));

        private bool Contains(string name)
        {
            if (_shared is not null && _shared.Contains(name))
            {
                return true;
            }

            if (_used is not null)
            {
                return _used.Contains(name);
            }

            for (var i = 0; i < _count; i++)
            {
                if (string.Equals(_small![i], name, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Records <paramref name="name"/>; false when it is taken already.</summary>
        private bool Add(string name)
        {
            if (Contains(name))
            {
                return false;
            }

            if (_used is not null)
            {
                _used.Add(name);
                return true;
            }

            if (_count == SmallLimit)
            {
                _used = new HashSet<string>(_small!, StringComparer.Ordinal) { name };
                _small = null;
                return true;
            }

            (_small ??= new string[SmallLimit])[_count++] = name;
            return true;
        }
    }
}
