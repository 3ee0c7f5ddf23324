namespace TypedConnectors.Generator;

/// <summary>Names of the incremental steps, so tests can assert which ones ran and which were cached.</summary>
internal static class TrackingNames
{
    public const string Settings = nameof(Settings);
    public const string Inputs = nameof(Inputs);
    public const string Parse = nameof(Parse);
    public const string Names = nameof(Names);
    public const string Emit = nameof(Emit);
    public const string CustomAuth = nameof(CustomAuth);
    public const string Scan = nameof(Scan);
    public const string Documents = nameof(Documents);
    public const string Referenced = nameof(Referenced);
    public const string References = nameof(References);
}
