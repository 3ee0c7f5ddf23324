namespace TypedConnectors.Generator.Reading;

/// <summary>What of a path as a definition writes it goes on the wire.</summary>
internal static class PathKeys
{
    /// <summary>
    /// The path without its fragment, which never reaches a server. AWS-style keys that tell operations on one path
    /// apart with <c>/#Action=Foo</c> send the fragment as the query it stands for; any other fragment is left out and
    /// returned in <paramref name="dropped"/> (null when nothing was left out).
    /// </summary>
    public static string RequestTarget(string key, out string? dropped)
    {
        dropped = null;
        var hash = key.IndexOf('#');
        if (hash < 0)
        {
            return key;
        }

        var before = key.Substring(0, hash);
        var fragment = key.Substring(hash + 1);
        if (fragment.IndexOf('=') > 0)
        {
            return before + (before.IndexOf('?') >= 0 ? "&" : "?") + fragment;
        }

        dropped = fragment;
        return before;
    }
}
