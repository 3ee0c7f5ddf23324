using TypedConnectors.Conformance;

namespace ConformanceTests;

/// <summary>
/// Failures caused by a defect of the document itself, never by the generator or the runtime. Key: input name and
/// operation ("corpus/x.yaml :: GET /a/{b}"), optionally " :: check" to allow only that check; value: the defect.
/// </summary>
public static class AllowList
{
    public static readonly IReadOnlyDictionary<string, string> Entries = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["corpus/apisguru__rapidapi.com__football-prediction__openapi.yaml :: GET /api/v2/list-federations :: response-example"] =
            "The 200 example's value is a JSON string holding JSON text (\"{\\\"data\\\": [...]}\"), not the object the schema declares.",
        ["corpus/apisguru__rapidapi.com__football-prediction__openapi.yaml :: GET /api/v2/list-markets :: response-example"] =
            "The 200 example's value is a JSON string holding JSON text, not the object the schema declares.",
    };

    public sealed record Entry(string Input, string Operation, string? Check, string Reason);

    public static IEnumerable<Entry> EntriesFor(string input) =>
        Entries
            .Select(e =>
            {
                var parts = e.Key.Split(" :: ");
                return new Entry(parts[0], parts[1], parts.Length > 2 ? parts[2] : null, e.Value);
            })
            .Where(e => e.Input == input);

    public static bool Matches(Entry entry, OperationResult result) =>
        entry.Operation == result.Operation && (entry.Check is null || result.FailedChecks.All(c => c == entry.Check));

    public static bool Covers(string input, OperationResult result) => EntriesFor(input).Any(e => Matches(e, result));
}
