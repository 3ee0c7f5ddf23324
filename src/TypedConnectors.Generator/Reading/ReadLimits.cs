namespace TypedConnectors.Generator.Reading;

/// <summary>Bounds that keep hostile input from hanging or exhausting the compiler.</summary>
internal static class ReadLimits
{
    /// <summary>Largest input file read, in characters (the largest public API descriptions are under 10 MB).</summary>
    public const int MaxFileChars = 32 * 1024 * 1024;

    /// <summary>Deepest nesting of objects/arrays accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes a YAML document may expand to through aliases.</summary>
    public const int MaxYamlNodes = 2_000_000;
}
