using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using TypedConnectors.Conformance;
using Xunit.Abstractions;

namespace ConformanceTests;

/// <summary>Runs the checker over one input, prints its table and fails on every failure not on the allow-list.</summary>
public static class ConformanceRun
{
    private static readonly ConcurrentDictionary<string, (string Group, ConformanceReport Report, TimeSpan Elapsed)> Reports = new(
        StringComparer.Ordinal
    );

    static ConformanceRun()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => WriteSummary();
    }

    public static async Task CheckAsync(string group, ConformanceInput input, ITestOutputHelper output)
    {
        var watch = Stopwatch.StartNew();
        var report = await ConformanceChecker.CheckAsync(input);
        watch.Stop();
        Reports[input.Name] = (group, report, watch.Elapsed);

        WriteFiles();
        var table = Table(report, watch.Elapsed);
        output.WriteLine(table);
        Console.WriteLine(table);

        var unexpected = report.Failures.Where(f => !AllowList.Covers(input.Name, f)).ToList();
        var stale = AllowList.EntriesFor(input.Name).Where(e => !report.Failures.Any(f => AllowList.Matches(e, f))).ToList();
        Assert.True(
            stale.Count == 0,
            "allow-list entries that no longer fail (remove them): " + string.Join("; ", stale.Select(e => e.Operation))
        );
        Assert.True(
            unexpected.Count == 0,
            input.Name
                + ": "
                + unexpected.Count
                + " failing operation results\n"
                + string.Join("\n", unexpected.Take(40).Select(f => f.Operation + " [" + f.Connection + "] " + f.Failure))
        );
    }

    public static string Table(ConformanceReport report, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.Append(report.Name)
            .Append(" (")
            .Append(report.Kind)
            .Append("): ")
            .Append(report.Operations)
            .Append(" operations, ")
            .Append(report.OperationsPassed)
            .Append(" passed, ")
            .Append(report.Failures.Count())
            .Append(" failing results; ")
            .Append(elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" s (")
            .Append(
                string.Join(
                    ", ",
                    report.Timings.Select(t =>
                        t.Key + " " + t.Value.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s"
                    )
                )
            )
            .AppendLine(")");
        foreach (
            var group in report
                .Failures.SelectMany(f => f.FailedChecks.Select(c => (Check: c, Result: f)))
                .GroupBy(x => x.Check)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
        )
        {
            text.Append("  ")
                .Append(group.Key)
                .Append(": ")
                .Append(group.Select(x => x.Result.Operation).Distinct().Count())
                .AppendLine(" operations");
            foreach (var (_, result) in group.Take(6))
            {
                var detail = (result.Failure ?? "").Split(" | ").First(f => f.StartsWith(group.Key + ":", StringComparison.Ordinal));
                text.Append("    ")
                    .Append(result.Operation)
                    .Append(" [")
                    .Append(result.Connection)
                    .Append("] ")
                    .AppendLine(detail.Length > 400 ? detail[..400] + "…" : detail);
            }
        }

        foreach (var note in report.Notes.Distinct())
        {
            text.Append("  note: ").AppendLine(note);
        }

        return text.ToString();
    }

    /// <summary>Per group: documents, operations, passed, time; written when the test process ends.</summary>
    public static string Summary()
    {
        var text = new StringBuilder("Conformance summary\n");
        text.AppendLine("| document | operations | passed | failing results | seconds |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (
            var (name, (group, report, elapsed)) in Reports
                .OrderBy(r => r.Value.Group, StringComparer.Ordinal)
                .ThenBy(r => r.Key, StringComparer.Ordinal)
        )
        {
            text.Append("| ")
                .Append(name)
                .Append(" | ")
                .Append(report.Operations)
                .Append(" | ")
                .Append(report.OperationsPassed)
                .Append(" | ")
                .Append(report.Failures.Count())
                .Append(" | ")
                .Append(elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
                .AppendLine(" |");
        }

        foreach (var group in Reports.Values.GroupBy(r => r.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(group.Key)
                .Append(": ")
                .Append(group.Count())
                .Append(" documents, ")
                .Append(group.Sum(r => r.Report.Operations))
                .Append(" operations, ")
                .Append(group.Sum(r => r.Report.OperationsPassed))
                .Append(" passed, ")
                .Append(group.Sum(r => r.Elapsed.TotalSeconds).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
                .AppendLine(" s");
        }

        foreach (
            var check in Reports
                .Values.SelectMany(r => r.Report.Failures.SelectMany(f => f.FailedChecks.Select(c => (c, r.Report.Name, f.Operation))))
                .GroupBy(x => x.c)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
        )
        {
            text.Append("  ")
                .Append(check.Key)
                .Append(": ")
                .Append(check.Select(x => x.Name + " " + x.Operation).Distinct().Count())
                .Append(" operations in ")
                .Append(check.Select(x => x.Name).Distinct().Count())
                .AppendLine(" documents");
        }

        return text.ToString();
    }

    private static readonly object FileLock = new();

    /// <summary>The summary and every failure, rewritten after each document (the test host may end before ProcessExit runs).</summary>
    private static void WriteFiles()
    {
        lock (FileLock)
        {
            try
            {
                File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "conformance-summary.md"), Summary());
                File.WriteAllLines(
                    Path.Combine(AppContext.BaseDirectory, "conformance-failures.txt"),
                    Reports
                        .OrderBy(r => r.Key, StringComparer.Ordinal)
                        .SelectMany(r =>
                            r.Value.Report.Failures.Select(f => r.Key + " :: " + f.Operation + " :: [" + f.Connection + "] " + f.Failure)
                        )
                );
            }
            catch (IOException) { }
        }
    }

    private static void WriteSummary()
    {
        if (Reports.IsEmpty)
        {
            return;
        }

        var summary = Summary();
        Console.WriteLine(summary);
        try
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "conformance-summary.md"), summary);
        }
        catch (IOException) { }
    }
}
