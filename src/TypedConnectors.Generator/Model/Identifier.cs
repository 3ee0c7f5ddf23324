namespace TypedConnectors.Generator.Model;

/// <summary>Reading a bound identifier: the emitter may print one without its keyword escape, but never makes one.</summary>
internal static class Identifier
{
    /// <summary>The identifier without the <c>@</c> that escapes a keyword: for docs, and for private names built on it.</summary>
    public static string Bare(string identifier) =>
        identifier.StartsWith("@", StringComparison.Ordinal) ? identifier.Substring(1) : identifier;
}
