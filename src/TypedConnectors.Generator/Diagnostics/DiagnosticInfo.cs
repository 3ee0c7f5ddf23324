using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Diagnostics;

/// <summary>Where a diagnostic points: a file and a span, kept as plain values so models stay cacheable.</summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public Location ToLocation() =>
        Location.Create(
            FilePath,
            new TextSpan(Start, Length),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn))
        );

    public static LocationInfo WholeFile(string path) => new(path, 0, 0, 0, 0, 0, 0);
}

/// <summary>A diagnostic as data: descriptor id, message arguments and location.</summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo Location)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo location, params string[] arguments) =>
        new(descriptor.Id, EquatableArray.Create(arguments), location);

    public DiagnosticDescriptor Descriptor => DiagnosticDescriptors.ById(Id);

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location.ToLocation(), Arguments.Select(a => (object)a).ToArray());

    /// <summary>Errors stop generation and are reported by the generator; everything else belongs to the analyzer.</summary>
    public bool StopsGeneration => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;
}
