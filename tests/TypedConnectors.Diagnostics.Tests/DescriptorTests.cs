using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace TypedConnectors.Diagnostics.Tests;

/// <summary>Descriptors, release tracking, help pages and location tests stay in step.</summary>
public partial class DescriptorTests
{
    private const string HelpBase = "https://github.com/typedconnectors/typedconnectors/blob/main/docs/diagnostics/";

    public static TheoryData<string> Ids() => new(Repo.Descriptors().Select(d => d.Id));

    [Fact]
    public void Ids_are_unique_prefixed_and_link_to_their_help_page()
    {
        var descriptors = Repo.Descriptors();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(
            descriptors,
            d =>
            {
                Assert.Matches("^TC[0-9]{4}$", d.Id);
                Assert.Equal(HelpBase + d.Id + ".md", d.HelpLinkUri);
                Assert.StartsWith("TypedConnectors.", d.Category, StringComparison.Ordinal);
                Assert.True(d.IsEnabledByDefault);
            }
        );
    }

    [Fact]
    public void Release_tracking_lists_every_descriptor_with_its_category_and_severity()
    {
        var shipped = File.ReadAllText(Path.Combine(Repo.GeneratorProject, "AnalyzerReleases.Shipped.md"));
        var unshipped = File.ReadAllText(Path.Combine(Repo.GeneratorProject, "AnalyzerReleases.Unshipped.md"));
        var rows = (shipped + "\n" + unshipped)
            .Split('\n')
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length == 4 && c[0].StartsWith("TC", StringComparison.Ordinal))
            .ToDictionary(c => c[0], c => c);

        var descriptors = Repo.Descriptors();
        Assert.Equal(descriptors.Select(d => d.Id).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(
            descriptors,
            d =>
            {
                Assert.Equal(d.Category, rows[d.Id][1]);
                Assert.Equal(d.DefaultSeverity.ToString(), rows[d.Id][2]);
                Assert.Equal(d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[d.Id][3]);
            }
        );
    }

    [Fact]
    public void The_index_lists_every_id_with_its_severity()
    {
        var index = File.ReadAllText(Path.Combine(Repo.DiagnosticsDocs, "README.md"));
        Assert.All(
            Repo.Descriptors(),
            d =>
                Assert.Contains(
                    "| ["
                        + d.Id
                        + "]("
                        + d.Id
                        + ".md) | "
                        + d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        + " | "
                        + d.DefaultSeverity
                        + " | "
                        + d.Category
                        + " |",
                    index,
                    StringComparison.Ordinal
                )
        );
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_id_has_a_help_page_with_what_why_example_and_fix(string id)
    {
        var descriptor = Repo.Descriptors().Single(d => d.Id == id);
        var path = Path.Combine(Repo.DiagnosticsDocs, id + ".md");
        Assert.True(File.Exists(path), "missing " + path);
        var page = File.ReadAllText(path);

        Assert.StartsWith(
            "# " + id + ": " + descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n",
            page,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "**Severity:** " + descriptor.DefaultSeverity + " · **Category:** " + descriptor.Category,
            page,
            StringComparison.Ordinal
        );
        if (id != "TC0050")
        {
            Assert.Contains("## What", page, StringComparison.Ordinal);
            Assert.Contains("## Why", page, StringComparison.Ordinal);
            Assert.Contains("## Example", page, StringComparison.Ordinal);
        }

        Assert.Contains("## Fix", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_page_messages_are_what_the_tools_print(string id)
    {
        var page = File.ReadAllText(Path.Combine(Repo.DiagnosticsDocs, id + ".md"));
        var descriptor = Repo.Descriptors().Single(d => d.Id == id);
        var severity = descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "error" : "warning";
        foreach (Match block in TextBlock().Matches(page))
        {
            var message = block.Groups[1].Value.Trim();
            var located = LocatedMessage().Match(message);
            Assert.StartsWith(severity + " " + id + ": ", located.Success ? located.Groups[3].Value : message, StringComparison.Ordinal);
            var text = message.Substring(message.IndexOf(id + ": ", StringComparison.Ordinal) + id.Length + 2);
            if (!text.Contains('…', StringComparison.Ordinal))
            {
                Assert.Matches(FormatPattern(descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture)), text);
            }

            if (located.Success)
            {
                // A complete example file: run it and compare with what the build prints.
                var example = JsonBlock().Match(page).Groups[1].Value;
                var run = DiagnosticsRun.Of(Expect.File(located.Groups[1].Value, example));
                var printed = run
                    .Diagnostics.Where(d => d.Id == id)
                    .Select(d =>
                        located.Groups[1].Value
                        + "("
                        + d.Line
                        + ","
                        + d.Column
                        + "): "
                        + d.Severity.ToString().ToLowerInvariant()
                        + " "
                        + d.Id
                        + ": "
                        + d.Message
                    );
                Assert.Contains(message, printed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_reported_id_has_a_location_test(string id)
    {
        Assert.Contains(
            typeof(DiagnosticLocationTests).GetMethods(BindingFlags.Public | BindingFlags.Instance),
            m => m.Name.StartsWith(id + "_", StringComparison.Ordinal)
        );
    }

    /// <summary>A regex for what a composite format string can print: <c>{n}</c> holes match anything, <c>{{</c>/<c>}}</c> are braces.</summary>
    private static string FormatPattern(string format)
    {
        var pattern = new System.Text.StringBuilder("^");
        for (var i = 0; i < format.Length; i++)
        {
            if ((format[i] == '{' || format[i] == '}') && i + 1 < format.Length && format[i + 1] == format[i])
            {
                pattern.Append(Regex.Escape(format[i].ToString()));
                i++;
            }
            else if (format[i] == '{')
            {
                i = format.IndexOf('}', i);
                pattern.Append(".*");
            }
            else
            {
                pattern.Append(Regex.Escape(format[i].ToString()));
            }
        }

        return pattern.Append('$').ToString();
    }

    [GeneratedRegex("```text\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex TextBlock();

    [GeneratedRegex("```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"^([^ (]+)\(([0-9]+,[0-9]+)\): (.*)$", RegexOptions.Singleline)]
    private static partial Regex LocatedMessage();
}
