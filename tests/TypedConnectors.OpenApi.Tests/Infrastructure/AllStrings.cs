namespace OpenApiTests.Infrastructure;

/// <summary>Every string over an alphabet up to a length, shortest first: the inputs of the exhaustive equivalence tests.</summary>
internal static class AllStrings
{
    public static IEnumerable<string> Over(string alphabet, int maxLength)
    {
        var current = new List<string> { "" };
        yield return "";
        for (var length = 1; length <= maxLength; length++)
        {
            var next = new List<string>(current.Count * alphabet.Length);
            foreach (var prefix in current)
            {
                foreach (var c in alphabet)
                {
                    var text = prefix + c;
                    next.Add(text);
                    yield return text;
                }
            }

            current = next;
        }
    }
}
