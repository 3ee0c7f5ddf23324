namespace TypedConnectors.Generator.Reading;

/// <summary>Bounds that keep hostile input from hanging or exhausting the compiler.</summary>
internal static class ReadLimits
{
    /// <summary>Largest input file read, in characters (the largest public API descriptions are under 10 MB).</summary>
    public const int MaxFileChars = 32 * 1024 * 1024;

    /// <summary>Deepest nesting of objects/arrays accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Deepest chain of schemas mapped one inside another (a property whose schema is a reference to a schema with a
    /// property that refers on, and so on). Mapping recurses along the chain; without a bound, a document of thousands
    /// of components that refer to each other in a line overflows the compiler's stack. Real documents stay under 10.
    /// </summary>
    public const int MaxSchemaNesting = 128;

    /// <summary>Most nodes a YAML document may expand to through aliases.</summary>
    public const int MaxYamlNodes = 2_000_000;
}
