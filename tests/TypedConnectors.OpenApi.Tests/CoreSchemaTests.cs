using System.Text.RegularExpressions;
using OpenApiTests.Infrastructure;
using TypedConnectors.Generator.Reading;

namespace OpenApiTests;

/// <summary>
/// The hand-written YAML core schema matchers accept exactly what the anchored regular expressions they replace accept
/// (including .NET's <c>$</c> before one final newline), over every short string of the characters that matter.
/// </summary>
public sealed class CoreSchemaTests
{
    private static readonly (string Name, Func<string, bool> Matcher, Regex Pattern)[] Forms =
    {
        ("null", CoreSchema.IsNull, new Regex("^(?:~|null|Null|NULL)$", RegexOptions.CultureInvariant)),
        ("bool", CoreSchema.IsBool, new Regex("^(?:true|True|TRUE|false|False|FALSE)$", RegexOptions.CultureInvariant)),
        ("int", CoreSchema.IsInt, new Regex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)),
        ("octal", CoreSchema.IsOctal, new Regex("^0o[0-7]+$", RegexOptions.CultureInvariant)),
        ("hex", CoreSchema.IsHex, new Regex("^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)),
        (
            "float",
            CoreSchema.IsFloat,
            new Regex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)
        ),
        (
            "json number",
            CoreSchema.IsJsonNumber,
            new Regex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)
        ),
    };

    [Fact]
    public void Numeric_matchers_agree_with_their_patterns_on_every_short_string()
    {
        const string Alphabet = "019-+.eExoaF\n ";
        var mismatches = new List<string>();
        foreach (var text in AllStrings.Over(Alphabet, 5))
        {
            foreach (var (name, matcher, pattern) in Forms)
            {
                if (matcher(text) != pattern.IsMatch(text))
                {
                    mismatches.Add(name + ": " + Escape(text));
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("nULL")]
    [InlineData("null\n")]
    [InlineData("null\n\n")]
    [InlineData("~~")]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("tRUE")]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("FALSE")]
    [InlineData("false\n")]
    [InlineData(" false")]
    [InlineData("0o777")]
    [InlineData("0o8")]
    [InlineData("0xdeadBEEF")]
    [InlineData("0xg")]
    [InlineData("")]
    [InlineData("\n")]
    public void Word_matchers_agree_with_their_patterns(string text)
    {
        foreach (var (name, matcher, pattern) in Forms)
        {
            Assert.True(matcher(text) == pattern.IsMatch(text), name + ": " + Escape(text));
        }
    }

    private static string Escape(string text) => text.Replace("\n", "\\n");
}
