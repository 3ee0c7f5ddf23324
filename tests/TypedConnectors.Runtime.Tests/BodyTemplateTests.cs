using System.Text.Json;

namespace TypedConnectors.Tests;

public class BodyTemplateTests
{
    // {"name": "{{ name }}", "note": "Hi {{ name }}!", "count": {{ count }}, "flag": {{ flag }}, "meta": {{ meta | tojson }}}
    private static readonly BodyTemplate Template = new(
        BodyTemplatePart.Text("{\"name\": \""),
        BodyTemplatePart.Var("name", insideString: true),
        BodyTemplatePart.Text("\", \"note\": \"Hi "),
        BodyTemplatePart.Var("name", insideString: true),
        BodyTemplatePart.Text("!\", \"count\": "),
        BodyTemplatePart.Var("count"),
        BodyTemplatePart.Text(", \"flag\": "),
        BodyTemplatePart.Var("flag"),
        BodyTemplatePart.Text(", \"meta\": "),
        BodyTemplatePart.Var("meta", toJson: true),
        BodyTemplatePart.Text("}")
    );

    private static JsonElement RenderAndParse(BodyTemplate template, Dictionary<string, object?> values)
    {
        var text = template.Render(values);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak\r\ttab")]
    [InlineData("unicode é ü 中文 😀")]
    [InlineData("control \u0001\u001f")]
    [InlineData("</script><script>alert(1)</script>")]
    [InlineData("\", \"admin\": true, \"x\": \"")]
    public void Values_inside_strings_are_escaped_and_round_trip(string value)
    {
        var root = RenderAndParse(
            Template,
            new()
            {
                ["name"] = value,
                ["count"] = 1,
                ["flag"] = true,
                ["meta"] = null,
            }
        );
        Assert.Equal(value, root.GetProperty("name").GetString());
        Assert.Equal("Hi " + value + "!", root.GetProperty("note").GetString());
        Assert.False(root.TryGetProperty("admin", out _));
        Assert.Equal(5, root.EnumerateObject().Count());
    }

    [Fact]
    public void An_injection_attempt_outside_a_string_stays_one_string_value()
    {
        var injection = "1, \"admin\": true";
        var root = RenderAndParse(
            Template,
            new()
            {
                ["name"] = "n",
                ["count"] = injection,
                ["flag"] = "true",
                ["meta"] = injection,
            }
        );
        Assert.Equal(JsonValueKind.String, root.GetProperty("count").ValueKind);
        Assert.Equal(injection, root.GetProperty("count").GetString());
        Assert.Equal("true", root.GetProperty("flag").GetString());
        Assert.False(root.TryGetProperty("admin", out _));
    }

    [Fact]
    public void Numbers_Booleans_null_and_objects_outside_strings_are_JSON_values()
    {
        var text = Template.Render(
            new Dictionary<string, object?>
            {
                ["name"] = "n",
                ["count"] = 12.5m,
                ["flag"] = false,
                ["meta"] = new Meta("x\"y", 3),
            }
        );
        Assert.Equal(
            "{\"name\": \"n\", \"note\": \"Hi n!\", \"count\": 12.5, \"flag\": false, \"meta\": {\"label\":\"x\\u0022y\",\"Size\":3}}",
            text
        );

        var root = RenderAndParse(
            Template,
            new()
            {
                ["name"] = null,
                ["count"] = null,
                ["flag"] = null,
                ["meta"] = null,
            }
        );
        Assert.Equal(string.Empty, root.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("count").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("meta").ValueKind);
    }

    [Fact]
    public void Missing_or_null_values_use_the_default()
    {
        var template = new BodyTemplate(
            BodyTemplatePart.Text("{\"limit\": "),
            BodyTemplatePart.Var("limit", defaultValue: "10"),
            BodyTemplatePart.Text(", \"mode\": "),
            BodyTemplatePart.Var("mode", defaultValue: "fast \"x\""),
            BodyTemplatePart.Text(", \"q\": \""),
            BodyTemplatePart.Var("q", insideString: true, defaultValue: "a\"b"),
            BodyTemplatePart.Text("\"}")
        );
        var root = RenderAndParse(template, new() { ["mode"] = null });
        Assert.Equal(10, root.GetProperty("limit").GetInt32());
        Assert.Equal("fast \"x\"", root.GetProperty("mode").GetString());
        Assert.Equal("a\"b", root.GetProperty("q").GetString());
    }

    [Fact]
    public void Non_string_values_inside_strings_use_their_JSON_text()
    {
        var template = new BodyTemplate(
            BodyTemplatePart.Text("{\"a\": \""),
            BodyTemplatePart.Var("a", insideString: true),
            BodyTemplatePart.Text("\", \"b\": \""),
            BodyTemplatePart.Var("b", insideString: true),
            BodyTemplatePart.Text("\", \"c\": \""),
            BodyTemplatePart.Var("c", insideString: true),
            BodyTemplatePart.Text("\"}")
        );
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff");
        var root = RenderAndParse(
            template,
            new()
            {
                ["a"] = 42,
                ["b"] = id,
                ["c"] = new Meta("q\"", 1),
            }
        );
        Assert.Equal("42", root.GetProperty("a").GetString());
        Assert.Equal(id.ToString(), root.GetProperty("b").GetString());
        Assert.Equal("{\"label\":\"q\\u0022\",\"Size\":1}", root.GetProperty("c").GetString());
    }

    [Fact]
    public void Non_finite_numbers_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Template.Render(new Dictionary<string, object?> { ["count"] = double.NaN }));
    }

    [Fact]
    public void A_part_must_be_a_literal_or_a_variable()
    {
        Assert.Throws<ArgumentException>(() => new BodyTemplate(new BodyTemplatePart(null, null, false, false, null)));
        Assert.Throws<ArgumentException>(() => new BodyTemplate(new BodyTemplatePart("a", "b", false, false, null)));
        Assert.Equal(["name", "count", "flag", "meta"], Template.Variables);
    }

    private sealed record Meta(
        [property: System.Text.Json.Serialization.JsonPropertyName("label")] string Label,
        int Size,
        string? Skipped = null
    );
}
