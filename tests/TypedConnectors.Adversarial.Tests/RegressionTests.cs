using Microsoft.CodeAnalysis;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>
/// Minimised inputs the adversarial run found, each checked with the same property. A definition either generates a
/// client whose every method sends its request, or the build says which part of the definition cannot work.
/// </summary>
public sealed class RegressionTests
{
    private static readonly Sch Text = new() { Type = "string" };

    private static Doc Document(DocKind kind, IReadOnlyList<Op> ops, params NamedSchema[] schemas) =>
        new(kind, false, "Shop", null, "/v1", "none", ops, schemas);

    private static async Task<(CaseOutcome Outcome, List<string> Problems, List<string> Refused)> CheckAsync(Doc doc)
    {
        var file = Dialects.ToFile(doc, "regression");
        var outcome = AdversarialProperty.CheckGeneration("regression", new[] { file }, doc.Ops.Count);
        Assert.True(outcome.Failure is null, outcome.Failure + "\n" + file.Text);
        if (outcome.ReportedErrors)
        {
            return (outcome, new List<string>(), new List<string>());
        }

        await using var server = await RecordingServer.StartAsync();
        var requests = await AdversarialProperty.CheckRequestsAsync(outcome.Assembly!, doc, server);
        return (outcome, requests.Problems, requests.Refused);
    }

    /// <summary>The method sends its request, or a build diagnostic names the part that cannot be sent.</summary>
    private static async Task AssertSentOrDiagnosedAsync(Doc doc, string culprit)
    {
        var (outcome, problems, refused) = await CheckAsync(doc);
        var diagnosed = outcome.Run!.GeneratorDiagnostics.Any(d =>
            d.Severity >= DiagnosticSeverity.Warning
            && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(culprit, StringComparison.Ordinal)
        );
        if (!diagnosed)
        {
            Assert.True(
                problems.Count == 0 && refused.Count == 0,
                "no build diagnostic names '"
                    + culprit
                    + "', and calling failed: "
                    + string.Join("; ", problems.Concat(refused))
                    + "\n"
                    + Dialects.ToFile(doc, "regression").Text
            );
        }
    }

    [Theory]
    [InlineData(DocKind.OpenApi31)]
    [InlineData(DocKind.Canonical)]
    public async Task Parameters_differing_only_by_a_formatting_character_compile_and_send(DocKind kind)
    {
        var op = new Op(
            "get",
            "/things/{x\uFEFFid}",
            "get_thing",
            null,
            null,
            new[]
            {
                new Param("x\uFEFFid", "path", Text, true, null, null, null),
                new Param("xid", "query", new Sch { Type = "boolean" }, true, null, null, null),
                new Param("x\u200Bid", "query", Text, false, null, null, null),
            },
            null,
            null
        );

        var (_, problems, refused) = await CheckAsync(Document(kind, new[] { op }));

        Assert.Empty(problems);
        Assert.Empty(refused);
    }

    [Theory]
    [InlineData(DocKind.Swagger20)]
    [InlineData(DocKind.Canonical)]
    public async Task Schemas_named_like_record_members_compile(DocKind kind)
    {
        var schemas = new[] { "GetHashCode", "Equals", "ToString", "EqualityContract", "PrintMembers", "Clone", "Validate" }
            .Select(n => new NamedSchema(
                n,
                new Sch { Type = "object", Properties = new[] { new Prop("v", Text with { MaxLength = 3 }, false) } }
            ))
            .ToArray();
        var op = new Op(
            "post",
            "/things",
            "create",
            null,
            null,
            Array.Empty<Param>(),
            new Body("json", new Sch { Ref = "GetHashCode" }, true),
            new Sch { Ref = "Clone" }
        );

        var (_, problems, _) = await CheckAsync(Document(kind, new[] { op }, schemas));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Binary_property_of_a_json_body_can_be_sent()
    {
        // A `format: binary` property is a Stream, which System.Text.Json cannot write ("Timeouts are not supported on
        // this stream."), so the method can never send its body.
        var upload = new NamedSchema(
            "Upload",
            new Sch { Type = "object", Properties = new[] { new Prop("content", new Sch { Type = "string", Format = "binary" }, true) } }
        );
        var op = new Op(
            "post",
            "/uploads",
            "upload",
            null,
            null,
            Array.Empty<Param>(),
            new Body("json", new Sch { Ref = "Upload" }, true),
            null
        );

        await AssertSentOrDiagnosedAsync(Document(DocKind.OpenApi30, new[] { op }, upload), "content");
    }

    [Theory]
    [InlineData("new\nline")]
    [InlineData("名前")]
    public async Task Header_parameter_whose_enum_value_no_header_can_carry_is_diagnosed_or_sent(string value)
    {
        // The enum's wire value goes into the header as it is: HttpClient refuses a line break (FormatException) and
        // non-ASCII text (HttpRequestException) when the request is sent.
        var op = new Op(
            "get",
            "/things",
            "list",
            null,
            null,
            new[] { new Param("X-Mode", "header", new Sch { Type = "string", Enum = new object[] { value } }, true, null, null, null) },
            null,
            null
        );

        await AssertSentOrDiagnosedAsync(Document(DocKind.OpenApi30, new[] { op }), "X-Mode");
    }

    [Theory]
    [InlineData("café")]
    [InlineData("a b")]
    [InlineData("<tag>")]
    public async Task Cookie_parameter_whose_name_is_not_a_cookie_name_is_diagnosed_or_sent(string name)
    {
        // The runtime refuses such a name on every call (ConnectorConfigurationException); the build does not say so.
        var op = new Op(
            "get",
            "/things",
            "list",
            null,
            null,
            new[] { new Param(name, "cookie", Text, true, null, null, null) },
            null,
            null
        );

        await AssertSentOrDiagnosedAsync(Document(DocKind.OpenApi30, new[] { op }), name);
    }

    /// <summary>The document generates, compiles, and every operation passes the conformance check.</summary>
    private static async Task<GeneratorRunInfo> AssertConformsAsync(Doc doc)
    {
        var file = Dialects.ToFile(doc, "regression");
        var outcome = AdversarialProperty.CheckGeneration("regression", new[] { file }, doc.Ops.Count);
        Assert.True(outcome.Failure is null && !outcome.ReportedErrors, outcome.Failure + "\n" + file.Text);
        var report = await TypedConnectors.Conformance.ConformanceChecker.CheckAsync(
            new TypedConnectors.Conformance.ConformanceInput("regression", new[] { file })
        );
        Assert.True(
            !report.Failures.Any() && report.OperationsPassed == doc.Ops.Count,
            string.Join("\n", report.Failures.Select(f => f.Operation + " [" + f.Connection + "] " + f.Failure)) + "\n" + file.Text
        );
        return new GeneratorRunInfo(AdversarialProperty.ClientMethods(outcome.Run!));
    }

    /// <summary>The generated methods of a run, for asserting on parameter types.</summary>
    private sealed record GeneratorRunInfo(List<IMethodSymbol> Methods)
    {
        public string ParameterType(string name) => Methods.SelectMany(m => m.Parameters).First(p => p.Name == name).Type.ToDisplayString();
    }

    private static Op Get(string path, params Param[] parameters) => new("get", path, "list", null, null, parameters, null, null);

    [Theory]
    [InlineData(DocKind.OpenApi30)]
    [InlineData(DocKind.OpenApi31)]
    [InlineData(DocKind.Swagger20)]
    public async Task Integer_beyond_an_exclusive_Int32_bound_is_a_long(DocKind kind)
    {
        // exclusiveMaximum -2147483648 allows only integers below Int32's range: an int parameter could hold none.
        var below = new Sch
        {
            Type = "integer",
            Maximum = new Num("-2147483648"),
            ExclusiveMaximum = true,
        };
        var run = await AssertConformsAsync(
            Document(kind, new[] { Get("/things", new Param("page", "query", below, true, null, null, null)) })
        );

        Assert.Equal("long", run.ParameterType("page"));
    }

    [Fact]
    public async Task Swagger_file_in_a_form_declared_urlencoded_is_sent_urlencoded()
    {
        var form = new Sch
        {
            Type = "object",
            Properties = new[] { new Prop("name", Text, true), new Prop("file", new Sch { Type = "string", Format = "binary" }, false) },
        };
        var op = new Op("post", "/things", "create", null, null, Array.Empty<Param>(), new Body("form", form, true), null);

        await AssertConformsAsync(Document(DocKind.Swagger20, new[] { op }));
    }

    [Theory]
    [InlineData("é")]
    [InlineData("e\u0301")]
    [InlineData(" ")]
    [InlineData("q\"uote")]
    public async Task Multipart_field_names_go_as_RFC_7578_quoted_UTF8(string name)
    {
        // MultipartFormDataContent writes non-ASCII names as RFC 2047 words and refuses a blank one.
        var form = new Sch { Type = "object", Properties = new[] { new Prop(name, Text, true) } };
        var op = new Op("post", "/things", "create", null, null, Array.Empty<Param>(), new Body("multipart", form, true), null);

        await AssertConformsAsync(Document(DocKind.OpenApi30, new[] { op }));
    }

    [Fact]
    public async Task Canonical_path_fragment_that_names_a_query_is_sent_as_that_query()
    {
        await AssertConformsAsync(Document(DocKind.Canonical, new[] { Get("/things/#Action=List") }));
    }

    [Fact]
    public async Task Required_form_body_without_given_fields_is_still_sent()
    {
        // Canonical request_body: a model the caller passes. (An OpenAPI inline form schema becomes method parameters
        // and does not yet carry the body's own required flag.)
        const DocKind kind = DocKind.Canonical;
        var form = new Sch
        {
            Type = "object",
            Properties = new[] { new Prop("file", new Sch { Type = "string", Format = "binary" }, false) },
        };
        var op = new Op("post", "/things", "create", null, null, Array.Empty<Param>(), new Body("form", form, true), null);

        await AssertConformsAsync(Document(kind, new[] { op }));
    }

    [Fact]
    public async Task Header_parameter_of_binary_format_is_sent_as_text()
    {
        var binary = new Sch { Type = "string", Format = "binary" };
        var run = await AssertConformsAsync(
            Document(DocKind.Swagger20, new[] { Get("/things", new Param("X-Blob", "header", binary, false, null, null, null)) })
        );

        Assert.Equal("string?", run.ParameterType("xBlob"));
    }

    [Theory]
    [InlineData(DocKind.OpenApi30)]
    [InlineData(DocKind.OpenApi31)]
    public async Task Free_form_object_in_a_deepObject_query_is_sent_by_its_members(DocKind kind)
    {
        // type: object without properties is a JsonElement; it went as filter={} instead of filter[key]=value.
        var freeForm = new Sch { Type = "object" };
        var run = await AssertConformsAsync(
            Document(kind, new[] { Get("/things", new Param("filter", "query", freeForm, false, "deepObject", true, null)) })
        );

        Assert.Contains("JsonElement", run.ParameterType("filter"), StringComparison.Ordinal);
    }
}
