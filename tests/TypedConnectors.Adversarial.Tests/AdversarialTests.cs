using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>
/// Seeded adversarial documents through the generator, the compiler and a loopback server. Replay a run with
/// <c>TC_ADVERSARIAL_SEED</c> and <c>TC_ADVERSARIAL_COUNT</c>; one case alone with <c>TC_ADVERSARIAL_CASE</c>.
/// </summary>
public sealed class AdversarialTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261201;
    private const int DefaultCount = 60;

    /// <summary>
    /// Product gaps the check still finds, each by case, operation and check, with what is missing. A finding not listed
    /// fails the run, and so does a listed one that no longer occurs (so the list only shrinks). Only for the default
    /// seed: other seeds are asserted against no list.
    /// </summary>
    private static readonly (string Case, string Operation, string Check, string Gap)[] OpenFindings = { };

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;

    [Fact]
    public async Task Adversarial_documents_generate_compile_and_send_what_they_define()
    {
        var seed = Setting("TC_ADVERSARIAL_SEED", DefaultSeed);
        var count = Setting("TC_ADVERSARIAL_COUNT", DefaultCount);
        var only = Setting("TC_ADVERSARIAL_CASE", -1);
        output.WriteLine(
            "TC_ADVERSARIAL_SEED=" + seed + " TC_ADVERSARIAL_COUNT=" + count + (only >= 0 ? " TC_ADVERSARIAL_CASE=" + only : "")
        );

        var clock = Stopwatch.StartNew();
        var cases = only >= 0 ? new[] { AdversarialCases.GenerateOne(seed, only) } : AdversarialCases.GenerateDetailed(seed, count);
        var generated = clock.Elapsed;
        await using var server = await RecordingServer.StartAsync();
        var failures = new List<string>();
        int withErrors = 0,
            compiled = 0,
            methods = 0,
            called = 0,
            rejected = 0,
            conformed = 0,
            checkedOperations = 0;
        var kinds = cases
            .GroupBy(c => c.Doc.Kind + (c.Doc.Yaml ? "/yaml" : "/json"))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key + ":" + g.Count());
        // Generating and compiling is the slow part and independent per case; requests go one at a time.
        var outcomes = new CaseOutcome[cases.Count];
        Parallel.For(
            0,
            cases.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) },
            i => outcomes[i] = AdversarialProperty.CheckGeneration(cases[i].Name, cases[i].Files, cases[i].Doc.Ops.Count)
        );
        var compileTime = clock.Elapsed;
        var refusals = new List<string>();
        var conformanceFindings = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var @case = cases[i];
            var outcome = outcomes[i];
            var problems = new List<string>();
            if (outcome.Failure is { } failure)
            {
                problems.Add(failure);
            }
            else if (outcome.ReportedErrors)
            {
                withErrors++;
                if (withErrors <= 3)
                {
                    output.WriteLine(
                        @case.Name
                            + " reported errors: "
                            + string.Join(
                                "; ",
                                outcome
                                    .Run!.GeneratorDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                                    .Select(d => d.Id + " " + d.GetMessage(CultureInfo.InvariantCulture))
                                    .Take(3)
                            )
                    );
                }
            }
            else
            {
                compiled++;
                methods += outcome.Methods;
                (List<string> Problems, int Called, int Rejected, List<string> Refused) requests;
                try
                {
                    requests = await AdversarialProperty.CheckRequestsAsync(outcome.Assembly!, @case.Doc, server);
                }
                catch (Exception e)
                {
                    requests = (new List<string> { "calling the client failed: " + e }, 0, 0, new List<string>());
                }

                called += requests.Called;
                rejected += requests.Rejected;
                refusals.AddRange(requests.Refused.Select(r => @case.Name + " " + r));
                problems.AddRange(requests.Problems);

                // The same check the real documents get: every operation against its definition, read independently.
                var conformance = await TypedConnectors.Conformance.ConformanceChecker.CheckAsync(
                    new TypedConnectors.Conformance.ConformanceInput(@case.Name, @case.Files)
                );
                conformed += conformance.OperationsPassed;
                checkedOperations += conformance.Operations;

                // Every operation of every case conforms; each finding fails the case and lands in the findings file.
                var found = conformance
                    .Failures.Select(f => @case.Name + ": " + f.Operation + " [" + f.Connection + "] " + f.Failure)
                    .ToList();
                conformanceFindings.AddRange(found);
                var open = seed == DefaultSeed ? OpenFindings.Where(o => o.Case == @case.Name).ToList() : new();
                problems.AddRange(
                    found
                        .Where(f =>
                            !open.Any(o =>
                                f.StartsWith(o.Case + ": " + o.Operation + " [", StringComparison.Ordinal)
                                && f.Contains(o.Check, StringComparison.Ordinal)
                            )
                        )
                        .Select(f => "conformance: " + f)
                );
                problems.AddRange(
                    open.Where(o =>
                            !found.Any(f =>
                                f.StartsWith(o.Case + ": " + o.Operation + " [", StringComparison.Ordinal)
                                && f.Contains(o.Check, StringComparison.Ordinal)
                            )
                        )
                        .Select(o =>
                            "an open finding no longer occurs, take it off OpenFindings: " + o.Case + " " + o.Operation + " " + o.Check
                        )
                );
            }

            outcomes[i] = outcome with { Run = null, Assembly = null };
            if (problems.Count > 0)
            {
                failures.Add(Describe(@case, problems));
            }
        }

        output.WriteLine(
            "generating and compiling: "
                + compileTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)
                + " s; refused by the runtime: "
                + refusals.Count
        );
        foreach (var refusal in refusals.Take(5))
        {
            output.WriteLine("  " + (refusal.Length > 200 ? refusal.Substring(0, 200) + "…" : refusal));
        }

        var summary =
            $"TC_ADVERSARIAL_SEED={seed} TC_ADVERSARIAL_COUNT={count}: {cases.Count} cases ({string.Join(", ", kinds)}) in {clock.Elapsed.TotalSeconds:F1} s (generating the documents {generated.TotalSeconds:F1} s): "
            + $"{compiled} compiled with {methods} methods, {called} called, {rejected} rejected by argument checks; conformance {conformed}/{checkedOperations} operations; "
            + $"{withErrors} reported an error diagnostic; {failures.Count} failed.";
        output.WriteLine(summary);

        // CI prints this file after the run (test output of passing tests is not shown).
        var findings = string.Join("\n", conformanceFindings.Take(10).Select(f => "  " + (f.Length > 300 ? f.Substring(0, 300) + "…" : f)));
        output.WriteLine("conformance findings: " + conformanceFindings.Count + "\n" + findings);
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "adversarial-conformance-findings.txt"), conformanceFindings);
        File.WriteAllText(
            Path.Combine(AppContext.BaseDirectory, "adversarial-summary.txt"),
            "Adversarial generation\n"
                + summary
                + "\nconformance findings: "
                + conformanceFindings.Count
                + (conformanceFindings.Count > 0 ? ", first 10:\n" + findings : "")
                + "\n"
        );
        // Each failed case with its replay line and its document.
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "adversarial-failures.txt"), string.Join("\n", failures));
        foreach (var failure in failures.Take(5))
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, failures.Count + " of " + cases.Count + " cases failed; the first:\n" + failures.FirstOrDefault());
    }

    private static string Describe(AdversarialCase @case, List<string> problems)
    {
        var text = new StringBuilder();
        text.Append("==== ").Append(@case.Name).Append(" (").Append(@case.Doc.Kind).Append(", ").Append(@case.Files[0].Path).Append(")\n");
        foreach (var problem in problems.Take(5))
        {
            text.Append("- ").Append(problem.Length > 3000 ? problem.Substring(0, 3000) + "…" : problem).Append('\n');
        }

        text.Append("replay: TC_ADVERSARIAL_SEED=")
            .Append(@case.Seed)
            .Append(" TC_ADVERSARIAL_CASE=")
            .Append(@case.Index)
            .Append(" dotnet test tests/TypedConnectors.Adversarial.Tests -c Release\n");
        text.Append("---- document\n").Append(@case.Files[0].Text).Append("\n----\n");
        return text.ToString();
    }

    [Fact]
    public void Cases_are_reproducible_from_their_seed()
    {
        var first = AdversarialCases.Generate(7, 5);
        var again = AdversarialCases.Generate(7, 5);
        Assert.Equal(first.Select(c => c.Files[0].Text), again.Select(c => c.Files[0].Text));
        Assert.Equal(AdversarialCases.GenerateOne(7, 3).Files[0].Text, first[3].Files[0].Text);
        Assert.NotEqual(first[0].Files[0].Text, AdversarialCases.Generate(8, 1)[0].Files[0].Text);
    }
}
