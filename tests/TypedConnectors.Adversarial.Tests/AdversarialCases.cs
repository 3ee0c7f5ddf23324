using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using TypedConnectors.Testing;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>A generated case: its name, the files the generator gets, and the definition they were written from.</summary>
public sealed record AdversarialCase(string Name, IReadOnlyList<InputFile> Files, Doc Doc, int Seed, int Index);

/// <summary>
/// Seeded random connector definitions built to break the generator: hostile names everywhere a name goes, numbers at
/// and beyond the limits of C# types, odd paths, every parameter location and style, every body kind.
/// </summary>
public static class AdversarialCases
{
    private const int Size = 20;

    /// <summary>C# keywords, contextual keywords and names of things the generator itself declares or uses.</summary>
    internal static readonly string[] Keywords =
    {
        "class",
        "namespace",
        "int",
        "string",
        "object",
        "default",
        "params",
        "event",
        "operator",
        "this",
        "base",
        "new",
        "return",
        "void",
        "null",
        "true",
        "false",
        "static",
        "checked",
        "fixed",
        "ref",
        "out",
        "in",
        "is",
        "as",
        "lock",
        "goto",
        "delegate",
        "var",
        "async",
        "await",
        "record",
        "value",
        "nameof",
        "global",
        "dynamic",
        "get",
        "set",
        "init",
        "when",
        "yield",
        "partial",
        "where",
        "file",
        "required",
        "scoped",
        "field",
        "args",
        "_",
        "__",
        "__request",
        "cancellationToken",
        "CancellationToken",
        "options",
        "connection",
        "body",
        "System",
        "Task",
        "TypedConnectors",
        "global::System",
    };

    internal static readonly string[] Members =
    {
        "Equals",
        "GetHashCode",
        "ToString",
        "GetType",
        "EqualityContract",
        "Deconstruct",
        "Clone",
        "<Clone>$",
        "MemberwiseClone",
        "Finalize",
        "ReferenceEquals",
        "PrintMembers",
        "Validate",
        "AdditionalProperties",
        "Unknown",
        "value__",
        "Json",
        "From",
        "Connection",
        "HttpClient",
        "Dispose",
        "SendAsync",
        "GetAsync",
        "BaseAddress",
        "Create",
        "Descriptor",
        "AuthMethod",
    };

    internal static readonly string[] Unicode =
    {
        "名前",
        "日本語のテキスト",
        "Ωmega",
        "café",
        "cafe\u0301",
        "e\u0301",
        "😀",
        "a😀b",
        "שלום",
        "مرحبا",
        "\u202Eevil",
        "zero\u200Bwidth",
        "Straße",
        "İstanbul",
        "ǅemal",
        "\u0300start",
        "x\uFEFFy",
        "١٢٣",
        "Ⅻ",
        "𝒳",
    };

    internal static readonly string[] Odd =
    {
        "",
        " ",
        "\t",
        "  lead",
        "trail  ",
        "1st",
        "123",
        "9lives",
        "a.b",
        "a-b",
        "a b",
        "a_b",
        "A_B",
        "a__b",
        "-",
        ".",
        "$ref",
        "@type",
        "#",
        "%",
        "a%20b",
        "{}",
        "a~b",
        "x'y",
        "q\"uote",
        "back\\slash",
        "new\nline",
        "semi;colon",
        "<tag>",
        "&amp;",
        "*/",
        "a,b",
        "+",
        "user",
        "User",
        "USER",
        "user_",
        "user-",
        "_user",
        "uSeR",
        "userId",
        "user_id",
        "UserID",
        "user.id",
    };

    /// <summary>Descriptions that would end a comment, a string or a line if copied into C# as they are.</summary>
    internal static readonly string[] Descriptions =
    {
        "\"\"\" raw string end",
        "*/ class Injected { } /*",
        "</summary><summary>injected",
        "#if NEVER\nbroken(\n#endif",
        "line one\nline two\r\nthree\rfour",
        "\u000d#error injected",
        "\u2028#error injected",
        "\u2029}",
        "\u0085next line",
        "// comment\n#line 1 \"x\"",
        "<![CDATA[ ]]>",
        "&lt; &amp; &#x0;",
        "{{ var }} {% x %}",
        "\\u000d escaped",
        "tab\there",
        "\"quoted\"",
        "ends with backslash \\",
        "<see cref=\"System.IO\"/>",
        "\0nul",
        "ok",
    };

    internal static readonly string[] Ordinary =
    {
        "users",
        "items",
        "order",
        "pets",
        "status",
        "list",
        "name",
        "id",
        "data",
        "page",
        "query",
    };

    private static readonly Num[] NumericPool =
    {
        new("0"),
        new("-1"),
        new("1"),
        new("1.5"),
        new("3.0"),
        new("2147483647"),
        new("2147483648"),
        new("-2147483648"),
        new("-2147483649"),
        new("9223372036854775807"),
        new("-9223372036854775808"),
        new("9223372036854775808"),
        new("99999999999999999999"),
        new("1e400"),
        new("-1e400"),
        new("1e-400"),
        new("1E+30"),
        new("0.1"),
        new("4294967295"),
        new("-0"),
    };

    /// <summary>Frequency without the zero-weight choices (FsCheck wants every weight positive).</summary>
    private static Gen<T> Freq<T>(params (int Weight, Gen<T> Gen)[] choices) => Gen.Frequency(choices.Where(c => c.Weight > 0).ToArray());

    private static Gen<T> Pick<T>(params T[] values) => Gen.Elements(values);

    private static Gen<bool> Chance(int percent) => Freq((percent, Gen.Constant(true)), (100 - percent, Gen.Constant(false)));

    private static Gen<T?> Maybe<T>(int percent, Gen<T> gen)
        where T : class => Chance(percent).SelectMany(b => b ? gen.Select(v => (T?)v) : Gen.Constant<T?>(null));

    private static Gen<List<T>> Between<T>(int min, int max, Gen<T> gen) =>
        Gen.Choose(min, max).SelectMany(n => gen.ListOf(n).Select(l => l.ToList()));

    private static Gen<string> Long =>
        Gen.Choose(200, 600).Select(n => string.Concat(Enumerable.Repeat("Very_long-name ", n / 15 + 1)).Substring(0, n));

    /// <summary>Any name: mostly hostile, sometimes ordinary, sometimes a name derived from the title.</summary>
    internal static Gen<string> Name(string title) =>
        Freq(
            (3, Pick(Ordinary)),
            (3, Pick(Keywords)),
            (3, Pick(Members)),
            (2, Pick(Unicode)),
            (3, Pick(Odd)),
            (1, Long),
            (
                2,
                Pick(
                    title,
                    title + "Client",
                    title + "Connection",
                    title + "Json",
                    "TestApp",
                    "I" + title + "Client",
                    title + "AuthMethod",
                    title + "ServiceCollectionExtensions"
                )
            ),
            (
                2,
                from a in Pick(Ordinary)
                from b in Pick(Keywords.Concat(Members).ToArray())
                from sep in Pick("", "_", "-", ".", " ", "$")
                select a + sep + b
            )
        );

    /// <summary>Names that can stand inside a path template's braces.</summary>
    private static Gen<string> PathParamName(string title) =>
        Name(title).Where(n => n.Trim().Length > 0 && n.IndexOfAny(new[] { '{', '}', '/', '?', '#', '%' }) < 0 && !n.Contains('\n'));

    /// <summary>Schema names that can stand in a reference without percent-encoding.</summary>
    private static Gen<string> SchemaName(string title) =>
        Name(title)
            .Where(n =>
                n.Trim().Length > 0 && n.IndexOfAny(new[] { '/', '~', '#', '%', ' ', '\t', '\n', '"', '\\', '{', '}' }) < 0 && n.Trim() == n
            );

    private static Gen<string?> Description => Maybe(60, Pick(Descriptions));

    private static Gen<Num> Number => Pick(NumericPool);

    private static Gen<Sch> NumberSchema =>
        from integer in Chance(60)
        from format in integer
            ? Pick<string?>(null, null, "int32", "int64", "uint64")
            : Pick<string?>(null, "double", "float", "decimal", "int32", "int64")
        from min in Maybe(50, Number)
        from max in Maybe(50, Number)
        from exMin in Chance(30)
        from exMax in Chance(30)
        from hasDefault in Chance(30)
        from defaultValue in Number
        from hasEnum in Chance(integer ? 20 : 0)
        from enumValues in Between(
            1,
            5,
            Pick(NumericPool.Where(n => !n.Text.Contains('.') && !n.Text.Contains('e') && !n.Text.Contains('E')).ToArray())
        )
        select Satisfiable.Numbers(
            new Sch
            {
                Type = integer ? "integer" : "number",
                Format = format,
                Minimum = min,
                Maximum = max,
                ExclusiveMinimum = exMin && min is not null,
                ExclusiveMaximum = exMax && max is not null,
                Default = hasDefault ? defaultValue : null,
                Enum = hasEnum ? enumValues.DistinctBy(v => v.Text).Cast<object>().ToList() : null,
            }
        );

    private static Gen<Sch> StringSchema(string title) =>
        from format in Pick<string?>(null, null, null, "date-time", "date", "uuid", "uri", "byte", "email", "binary")
        from hasEnum in Chance(25)
        from values in Between(1, 6, Name(title))
        from hasDefault in Chance(20)
        from maxLength in Maybe(20, Pick<object>(0, 1, 255, int.MaxValue))
        select Satisfiable.Strings(
            new Sch
            {
                Type = "string",
                Format = hasEnum ? null : format,
                Enum = hasEnum ? values.Distinct(StringComparer.Ordinal).Cast<object>().ToList() : null,
                Default = hasDefault ? (hasEnum ? values[0] : "d\"e\\f{x}") : null,
                MaxLength = maxLength is int m ? m : null,
            }
        );

    private static Gen<Sch> Primitive(string title) =>
        Freq(
            (4, StringSchema(title)),
            (4, NumberSchema),
            (1, Chance(50).Select(d => new Sch { Type = "boolean", Default = d ? true : null }))
        );

    /// <summary>A schema for a property or body: primitive, a reference, an array or an inline object.</summary>
    private static Gen<Sch> Schema(string title, IReadOnlyList<string> names, int depth) =>
        Freq(
            (5, Primitive(title)),
            (names.Count > 0 ? 3 : 0, Pick(names.Count > 0 ? names.ToArray() : new[] { "x" }).Select(n => new Sch { Ref = n })),
            (
                depth > 0 ? 2 : 0,
                (depth > 0 ? Schema(title, names, depth - 1) : Primitive(title)).Select(i => new Sch { Type = "array", Items = i })
            ),
            (depth > 0 ? 2 : 0, (depth > 0 ? ObjectSchema(title, names, depth - 1) : Primitive(title)))
        );

    private static Gen<Sch> ObjectSchema(string title, IReadOnlyList<string> names, int depth) =>
        from properties in Between(
            0,
            7,
            from n in Name(title)
            from s in Schema(title, names, depth)
            from r in Chance(40)
            select new Prop(n, s, r)
        )
        from description in Description
        select new Sch
        {
            Type = "object",
            Properties = properties,
            Description = description,
        };

    private static Gen<List<NamedSchema>> Schemas(string title) =>
        from names in Between(0, 6, SchemaName(title))
        let distinct = names.Distinct(StringComparer.Ordinal).ToList()
        from schemas in Gen.CollectToList(
            distinct,
            n =>
                Freq(
                    (3, ObjectSchema(title, distinct, 1)),
                    (1, StringSchema(title).Select(s => s with { Enum = s.Enum ?? new List<object> { "a", "A", "a-b" } })),
                    (1, NumberSchema)
                )
        )
        select distinct.Zip(schemas, (n, s) => new NamedSchema(n, s)).ToList();

    private static Gen<string> Segment =>
        Freq(
            (5, Pick(Ordinary)),
            (
                2,
                Pick(
                    "v1.0",
                    "%20x",
                    "a%2Fb",
                    "caf%C3%A9",
                    "x y",
                    "~tilde",
                    "a:b",
                    "a;b",
                    "a=b",
                    "a+b",
                    "@me",
                    "1",
                    "_",
                    "ünï",
                    "😀",
                    "a,b",
                    "$",
                    "'q'"
                )
            )
        );

    /// <summary>A path template with its parameter names; sometimes with a fragment, a query part or a trailing slash.</summary>
    private static Gen<(string Path, List<string> Params)> Path(string title) =>
        from count in Gen.Choose(0, 4)
        from parts in Gen.CollectToList(
            Enumerable.Range(0, count),
            _ =>
                Freq(
                    (3, Segment.Select(s => (Text: s, Param: (string?)null))),
                    (3, PathParamName(title).Select(n => (Text: "{" + n + "}", Param: (string?)n))),
                    (
                        1,
                        from a in PathParamName(title)
                        from b in PathParamName(title)
                        select (Text: "{" + a + "}.{" + b + "}", Param: (string?)(a + "\0" + b))
                    )
                )
        )
        from tail in Pick("", "", "", "", "/", "/#Action=Foo", "/?Action=Foo", "?x=1")
        let names = parts.Where(p => p.Param is not null).SelectMany(p => p.Param!.Split('\0')).ToList()
        where names.Distinct(StringComparer.Ordinal).Count() == names.Count
        select (
            "/" + string.Join("/", parts.Select(p => p.Text)) + (parts.Count == 0 && tail.StartsWith('/') ? tail.Substring(1) : tail),
            names
        );

    private static Gen<Param> Parameter(string title, DocKind kind, IReadOnlyList<string> schemaNames) =>
        from location in kind == DocKind.Canonical ? Pick("query", "query", "header") : Pick("query", "query", "header", "cookie")
        from name in Name(title).Where(n => location != "header" || (n.Length > 0 && n.All(c => c > ' ' && c < 127 && c != ':')))
        from shape in Freq(
            (5, Primitive(title)),
            (2, Primitive(title).Where(p => p.Enum is null).Select(i => new Sch { Type = "array", Items = i })),
            (kind is DocKind.Swagger20 || location != "query" ? 0 : 1, ObjectSchema(title, Array.Empty<string>(), 0)),
            (
                schemaNames.Count > 0 && kind != DocKind.Swagger20 ? 1 : 0,
                Pick(schemaNames.DefaultIfEmpty("x").ToArray()).Select(n => new Sch { Ref = n })
            )
        )
        from style in shape.Type == "object" ? Pick<string?>("deepObject", "form")
        : shape.Type == "array" ? Pick<string?>(null, "form", "spaceDelimited", "pipeDelimited")
        : Pick<string?>(null, null, location == "header" ? "simple" : "form")
        from explode in Pick<bool?>(null, true, false)
        from required in Chance(40)
        from description in Description
        select new Param(name, location, shape, required, location == "cookie" && style is not null ? "form" : style, explode, description);

    private static Gen<Op> Operation(string title, DocKind kind, IReadOnlyList<string> schemaNames) =>
        from method in Pick("get", "post", "put", "patch", "delete")
        from path in Path(title)
        from pathSchemas in Gen.CollectToList(
            path.Params,
            _ =>
                Freq(
                    (4, Gen.Constant(new Sch { Type = "string" })),
                    (
                        2,
                        Primitive(title)
                            .Where(p => p.Type != "boolean" && p.Format is not "binary" and not "byte")
                            .Select(Satisfiable.PathValue)
                    )
                )
        )
        from style in Pick<string?>(null, null, "simple")
        from explode in Pick<bool?>(null, true, false)
        from others in Between(0, 5, Parameter(title, kind, schemaNames))
        from id in Maybe(85, Name(title))
        from tag in Maybe(50, Name(title))
        from description in Description
        from hasBody in Chance(method is "post" or "put" or "patch" ? 70 : 0)
        from bodyKind in Pick("json", "json", "form", "multipart")
        from bodySchema in bodyKind == "json"
            ? Schema(title, schemaNames, 1)
            : ObjectSchema(title, Array.Empty<string>(), 0)
                .Select(s =>
                    s with
                    {
                        Properties = (s.Properties ?? Array.Empty<Prop>())
                            .Where(p => p.Schema.IsPrimitive)
                            .Append(new Prop("file", new Sch { Type = "string", Format = "binary" }, false))
                            .ToList(),
                    }
                )
        from bodyRequired in Chance(50)
        from hasResponse in Chance(60)
        from response in Schema(title, schemaNames, 1)
        let pathParams = path.Params.Zip(pathSchemas, (n, s) => new Param(n, "path", s, true, style, explode, null))
        select new Op(
            method,
            path.Path,
            id,
            tag,
            description,
            pathParams
                .Concat(others.Where(o => !path.Params.Contains(o.Name, StringComparer.Ordinal)))
                .DistinctBy(p => (p.Name, p.In))
                .ToList(),
            hasBody ? new Body(bodyKind, bodySchema, bodyRequired) : null,
            hasResponse ? response : null
        );

    private static Gen<Doc> Document =>
        from kind in Pick(DocKind.Swagger20, DocKind.OpenApi30, DocKind.OpenApi31, DocKind.Canonical)
        from yaml in Chance(40)
        from title in Freq((3, Pick("Shop", "Acme CRM", "pets")), (5, Name("Shop")))
        from description in Description
        from basePath in Pick("", "/v1", "/api/v2", "/base path", "/a%20b", "/v1/")
        from auth in Pick("none", "apiKey", "bearer", "basic")
        from schemas in Schemas(title)
        from count in Freq((12, Gen.Choose(1, 8)), (1, Gen.Choose(31, 34)))
        from ops in Operation(title, kind, schemas.Select(s => s.Name).ToList()).ListOf(count)
        select new Doc(kind, yaml, title, description, basePath, auth, Dedupe(ops), schemas);

    /// <summary>One method and template is one operation; a second one would be a different document error, not a test.</summary>
    private static List<Op> Dedupe(IEnumerable<Op> ops) => ops.GroupBy(o => (o.Method, Template(o.Path))).Select(g => g.First()).ToList();

    /// <summary>The template with parameter names erased: /a/{x} and /a/{y} are the same path to a server.</summary>
    internal static string Template(string path) => System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]*\\}", "{}");

    public static IReadOnlyList<(string Name, IReadOnlyList<InputFile> Files)> Generate(int seed, int count) =>
        GenerateDetailed(seed, count).Select(c => (c.Name, c.Files)).ToList();

    /// <summary>Case <paramref name="index"/> of <paramref name="seed"/> is the same whatever the count, so one case replays alone.</summary>
    public static AdversarialCase GenerateOne(int seed, int index)
    {
        var rnd = new Rnd(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + 1));
        var doc = Document.Sample(1, rnd, Size).Single();
        var name = "case" + index.ToString("D4", CultureInfo.InvariantCulture);
        return new AdversarialCase(name, new[] { Dialects.ToFile(doc, name) }, doc, seed, index);
    }

    public static IReadOnlyList<AdversarialCase> GenerateDetailed(int seed, int count) =>
        Enumerable.Range(0, count).Select(i => GenerateOne(seed, i)).ToList();
}
