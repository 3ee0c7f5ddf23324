using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading;
using TypedConnectors.Generator.Validation;

namespace TypedConnectors.Generator;

/// <summary>
/// The steps one connector file goes through, in order and one way: read (<c>Reading/</c>) → validate
/// (<c>Validation/</c>) → bind (<c>Model/SpecBinder</c>). Emitting (<c>Emit/</c>) follows in the generator. No step calls
/// a later one; the generator and the analyzer both run this, so they see the same model and the same diagnostics —
/// except Microsoft.OpenApi's warnings, which only the analyzer asks for (<c>microsoftOpenApiValidation</c>).
/// Both read the file's text through <see cref="DocTrees"/>, so in one compiler process it is parsed once.
/// </summary>
internal static class ConnectorPipeline
{
    public static ReadResult Run(
        ConnectorInput input,
        GeneratorSettings settings,
        CancellationToken cancellationToken,
        Reading.OpenApi.DocumentSet? documents = null,
        bool microsoftOpenApiValidation = false
    )
    {
        var diagnostics = new List<DiagnosticInfo>();
        ConnectorSpec? spec = null;
        try
        {
            var toValidate = new List<ValidationUnit>();
            spec = ConnectorFileReader.Read(
                input,
                diagnostics,
                toValidate,
                out var context,
                documents,
                cancellationToken,
                microsoftOpenApiValidation
            );
            foreach (var unit in toValidate)
            {
                ConnectorValidator.Validate(unit.Spec, unit.Context);
            }

            // Bound even when the file has errors: the names it would clash on are warnings of the same build.
            if (spec is not null)
            {
                spec = SpecBinder.Bind(spec, input, settings, diagnostics, context);
            }
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.InternalError,
                    LocationInfo.WholeFile(input.Path),
                    System.IO.Path.GetFileName(input.Path),
                    ex.GetType().FullName ?? "Exception",
                    ex.Message
                )
            );
            spec = null;
        }

        var hasErrors = diagnostics.Any(d => d.StopsGeneration);
        return new ReadResult(input.Path, hasErrors ? null : spec, diagnostics.ToEquatableArray());
    }
}
