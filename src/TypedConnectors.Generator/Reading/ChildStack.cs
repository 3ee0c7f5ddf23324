namespace TypedConnectors.Generator.Reading;

/// <summary>
/// What the JSON and YAML readers share about the one stack of children they collect while reading (each node's
/// children are the entries from its first index on): taking them off as an exact-size array, and the duplicate-key check.
/// </summary>
internal static class ChildStack
{
    private const int ScanLimit = 8;

    /// <summary>The entries from <paramref name="first"/> on, as an array, removed from the shared stack.</summary>
    public static T[] Pop<T>(List<T> scratch, int first)
    {
        var count = scratch.Count - first;
        if (count == 0)
        {
            return System.Array.Empty<T>();
        }

        var result = new T[count];
        scratch.CopyTo(first, result, 0, count);
        scratch.RemoveRange(first, count);
        return result;
    }

    /// <summary>
    /// Whether no property of the object being read (entries from <paramref name="first"/> on) has this name yet,
    /// recording it: a scan for small objects, a set once an object is large.
    /// </summary>
    public static bool AddName(List<DocProperty> properties, int first, string name, ref HashSet<string>? seen)
    {
        if (seen is null)
        {
            if (properties.Count - first < ScanLimit)
            {
                for (var i = first; i < properties.Count; i++)
                {
                    if (string.Equals(properties[i].Name, name, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            }

            seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = first; i < properties.Count; i++)
            {
                seen.Add(properties[i].Name);
            }
        }

        return seen.Add(name);
    }
}
