using System.Text.RegularExpressions;
using OpenApiTests.Infrastructure;
using TypedConnectors.Generator.Reading.OpenApi;

namespace OpenApiTests;

/// <summary>The hand-written scan for references to other files finds exactly what its former regular expression found.</summary>
public sealed class ReferenceScanTests
{
    private static readonly Regex ExternalRef = new(@"[""']?\$ref[""']?\s*:\s*[""']?(?!#)[^\s""'#,}]", RegexOptions.CultureInvariant);

    [Fact]
    public void External_reference_scan_agrees_with_the_pattern_on_every_short_tail()
    {
        const string Alphabet = " \"':#x,}\n\u00A0";
        var mismatches = new List<string>();
        foreach (var prefix in new[] { "$ref", "\"$ref", "$re", "$$ref", "{\"$ref" })
        {
            foreach (var tail in AllStrings.Over(Alphabet, 5))
            {
                var text = prefix + tail;
                if (ReferenceScan.HasExternalRef(text) != ExternalRef.IsMatch(text))
                {
                    mismatches.Add(text.Replace("\n", "\\n"));
                }
            }
        }

        Assert.Empty(mismatches);
    }

    [Theory]
    [InlineData("{ \"$ref\": \"#/components/schemas/Pet\" }", false)]
    [InlineData("{ \"$ref\": \"common.yaml#/Pet\" }", true)]
    [InlineData("$ref: '#/definitions/Pet'\n$ref: ./pet.yaml", true)]
    [InlineData("description: uses $ref: # not a value", false)]
    [InlineData("", false)]
    public void External_reference_scan_reads_documents(string text, bool expected)
    {
        Assert.Equal(expected, ReferenceScan.HasExternalRef(text));
        Assert.Equal(expected, ExternalRef.IsMatch(text));
    }
}
