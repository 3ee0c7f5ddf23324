using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Reading;

namespace OpenApiTests;

/// <summary>The YamlDotNet-based reader: YAML typing, positions, aliases and merge keys, and its safety limits.</summary>
public sealed class YamlReaderTests
{
    private static (DocNode? Root, List<DiagnosticInfo> Diagnostics, SourceFile File) Read(string text)
    {
        var file = new SourceFile("/p/doc.yaml", text);
        var diagnostics = new List<DiagnosticInfo>();
        return (YamlDocReader.Read(file, diagnostics, CancellationToken.None), diagnostics, file);
    }

    private static DocScalar Scalar(DocNode root, string key) => Assert.IsType<DocScalar>(((DocObject)root).Get(key));

    [Fact]
    public void Plain_scalars_are_typed_by_the_core_schema_and_quoted_ones_stay_strings()
    {
        var (root, diagnostics, _) = Read(
            """
            yes_bool: true
            quoted_bool: 'true'
            int: 042
            hex: 0x1F
            float: 1.50
            exp: 1e3
            null1: ~
            null2:
            text: 1.0.3
            version: "2.0"
            inf: .inf
            tagged: !!str 12
            """
        );

        Assert.Empty(diagnostics);
        Assert.Equal((ScalarKind.Boolean, "true"), (Scalar(root!, "yes_bool").Kind, Scalar(root!, "yes_bool").Text));
        Assert.Equal(ScalarKind.String, Scalar(root!, "quoted_bool").Kind);
        Assert.Equal((ScalarKind.Number, "42"), (Scalar(root!, "int").Kind, Scalar(root!, "int").Text));
        Assert.Equal((ScalarKind.Number, "31"), (Scalar(root!, "hex").Kind, Scalar(root!, "hex").Text));
        Assert.Equal((ScalarKind.Number, "1.50"), (Scalar(root!, "float").Kind, Scalar(root!, "float").Text));
        Assert.Equal((ScalarKind.Number, "1e3"), (Scalar(root!, "exp").Kind, Scalar(root!, "exp").Text));
        Assert.Equal(ScalarKind.Null, Scalar(root!, "null1").Kind);
        Assert.Equal(ScalarKind.Null, Scalar(root!, "null2").Kind);
        Assert.Equal((ScalarKind.String, "1.0.3"), (Scalar(root!, "text").Kind, Scalar(root!, "text").Text));
        Assert.Equal((ScalarKind.String, "2.0"), (Scalar(root!, "version").Kind, Scalar(root!, "version").Text));
        Assert.Equal(ScalarKind.String, Scalar(root!, "inf").Kind);
        Assert.Equal((ScalarKind.String, "12"), (Scalar(root!, "tagged").Kind, Scalar(root!, "tagged").Text));
    }

    [Fact]
    public void Positions_are_character_offsets_also_after_crlf_and_non_ascii_text()
    {
        var (root, _, file) = Read("title: \"Grüße 🌍\"\r\nitems:\r\n  - name: x\r\n    value: 'y'\r\n");

        var items = Assert.IsType<DocArray>(((DocObject)root!).Get("items"));
        var item = Assert.IsType<DocObject>(items.Items[0]);
        var value = Scalar(item, "value");
        Assert.Equal("'y'", file.Text.Substring(value.Start, value.Length));
        Assert.Equal((3, 11), file.Position(value.Start));
        var key = item.Find("value")!.Value;
        Assert.Equal("value", file.Text.Substring(key.NameStart, key.NameLength));
    }

    [Fact]
    public void Aliases_share_the_anchored_node_and_merge_keys_let_explicit_keys_win()
    {
        var (root, diagnostics, _) = Read(
            """
            base: &base
              type: object
              description: base
            derived:
              <<: *base
              description: derived
            copy: *base
            """
        );

        Assert.Empty(diagnostics);
        var obj = (DocObject)root!;
        Assert.Same(obj.Get("base"), obj.Get("copy"));
        var derived = Assert.IsType<DocObject>(obj.Get("derived"));
        Assert.Equal("derived", Scalar(derived, "description").Text);
        Assert.Equal("object", Scalar(derived, "type").Text);
    }

    [Fact]
    public void Duplicate_keys_keep_the_first_value_and_are_reported_at_the_second()
    {
        var (root, diagnostics, _) = Read("a: 1\nb: 2\na: 3\n");

        Assert.Equal("1", Scalar(root!, "a").Text);
        var duplicate = Assert.Single(diagnostics);
        Assert.Equal("TC0028", duplicate.Id);
        Assert.Equal((2, 0), (duplicate.Location.StartLine, duplicate.Location.StartColumn));
    }

    [Fact]
    public void A_syntax_error_is_reported_at_the_mark_yamldotnet_gives()
    {
        var (root, diagnostics, _) = Read("a: 1\nb: c: d\n");

        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Equal("TC0001", error.Id);
        Assert.Equal((1, 4), (error.Location.StartLine, error.Location.StartColumn));
        Assert.DoesNotContain("(Line:", error.Arguments[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var text =
            string.Concat(Enumerable.Repeat("[", ReadLimits.MaxDepth + 5)) + string.Concat(Enumerable.Repeat("]", ReadLimits.MaxDepth + 5));
        var (root, diagnostics, _) = Read("a: " + text + "\n");

        Assert.Null(root);
        Assert.Equal("TC0025", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void An_alias_to_an_undefined_anchor_and_a_second_document_are_errors()
    {
        Assert.Equal("TC0001", Assert.Single(Read("a: *nothing\n").Diagnostics).Id);
        Assert.Equal("TC0001", Assert.Single(Read("a: 1\n---\nb: 2\n").Diagnostics).Id);
        Assert.Equal("TC0001", Assert.Single(Read("").Diagnostics).Id);
    }
}
