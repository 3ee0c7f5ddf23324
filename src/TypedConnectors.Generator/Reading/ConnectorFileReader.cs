using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;
using TypedConnectors.Generator.Reading.Canonical;

namespace TypedConnectors.Generator.Reading;

/// <summary>One input file as the pipeline sees it: path, text and the MSBuild item metadata that steer it.</summary>
internal sealed record ConnectorInput(string Path, string Text, string? Dialect, string? Namespace, string? ClientName);

/// <summary>Project-wide settings the readers and emitter need; small and equatable so it rarely invalidates anything.</summary>
internal sealed record GeneratorSettings(string RootNamespace, bool HasHttpClientFactory, bool HasDependencyInjection)
{
    /// <summary>The compilation references ModelContextProtocol.Core: MCP connectors get an MCP client.</summary>
    public bool HasMcpSdk { get; init; }
}

/// <summary>What reading one file produced: a bound model (when generation can go ahead) and diagnostics.</summary>
internal sealed record ReadResult(string Path, ConnectorSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A part of a read model for the validator, with the file it is written in (an overlay has two).</summary>
internal sealed record ValidationUnit(ConnectorSpec Spec, DocContext Context);

/// <summary>A dialect: recognises its shape in a document and reads it into the common model.</summary>
internal interface IConnectorReader
{
    /// <summary>Name used in the <c>TypedConnectorsDialect</c> item metadata.</summary>
    string Dialect { get; }

    bool Recognizes(DocObject root);

    ConnectorSpec? Read(DocContext context, DocObject root);
}

internal static class ConnectorFileReader
{
    private static readonly string[] YamlExtensions = { ".yaml", ".yml" };

    /// <summary>The dialect readers, most specific shape first; the canonical format is the fallback.</summary>
    internal static ImmutableArray<IConnectorReader> Readers { get; } =
        ImmutableArray.Create<IConnectorReader>(
            new OpenApi.OpenApiConnectorReader(),
            new Scalekit.ScalekitReader(),
            new Databar.DatabarReader(),
            new CanonicalConnectorReader()
        );

    public static bool IsYaml(string path) => YamlExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads one file into the model, reporting what reading finds; records in <paramref name="toValidate"/> the
    /// parts the validator checks and the file each is written in. Never validates or binds: the pipeline does.
    /// </summary>
    public static ConnectorSpec? Read(
        ConnectorInput input,
        List<DiagnosticInfo> diagnostics,
        List<ValidationUnit> toValidate,
        out DocContext? context,
        OpenApi.DocumentSet? documents,
        CancellationToken cancellationToken,
        bool microsoftOpenApiValidation = false
    ) => ReadSpec(input, diagnostics, toValidate, out context, documents, cancellationToken, microsoftOpenApiValidation);

    private static ConnectorSpec? ReadSpec(
        ConnectorInput input,
        List<DiagnosticInfo> diagnostics,
        List<ValidationUnit> toValidate,
        out DocContext? context,
        OpenApi.DocumentSet? documents,
        CancellationToken cancellationToken,
        bool microsoftOpenApiValidation
    )
    {
        context = null;
        if (input.Text.Length > ReadLimits.MaxFileChars)
        {
            diagnostics.Add(
                DiagnosticInfo.Create(
                    DiagnosticDescriptors.InputTooLarge,
                    LocationInfo.WholeFile(input.Path),
                    "the file is larger than " + (ReadLimits.MaxFileChars / (1024 * 1024)) + " MB"
                )
            );
            return null;
        }

        var root = DocTrees.Read(input.Path, input.Text, diagnostics, cancellationToken, out var file);
        if (root is null)
        {
            return null;
        }

        context = new DocContext(file, root, diagnostics, cancellationToken)
        {
            Documents = documents,
            MicrosoftOpenApiValidation = microsoftOpenApiValidation,
        };
        if (root is not DocObject obj)
        {
            context.Report(DiagnosticDescriptors.WrongRootType, root, "an " + root.KindName);
            return null;
        }

        var reader = Choose(input.Dialect, obj, context);
        if (reader is null)
        {
            return null;
        }

        // Validated even after read errors, so one build shows every problem of the file, not one layer at a time.
        var spec = reader.Read(context, obj);
        if (spec is { OpenApiReference: not null })
        {
            // A connector file over an OpenAPI document: each part is validated in its own file.
            return OpenApi.OpenApiOverlay.Apply(spec, context, obj, toValidate);
        }

        if (spec is not null)
        {
            toValidate.Add(new ValidationUnit(spec, context));
        }

        return spec;
    }

    private static IConnectorReader? Choose(string? dialect, DocObject root, DocContext context)
    {
        if (!string.IsNullOrWhiteSpace(dialect))
        {
            var named = Readers.FirstOrDefault(r => string.Equals(r.Dialect, dialect!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                context.ReportAtStart(
                    DiagnosticDescriptors.UnrecognizedDialect,
                    root,
                    "the TypedConnectorsDialect metadata '"
                        + dialect
                        + "' names no dialect; use one of: "
                        + string.Join(", ", Readers.Select(r => r.Dialect))
                );
            }

            return named;
        }

        return Readers.FirstOrDefault(r => r.Recognizes(root)) ?? Readers.First(r => r.Dialect == "connector");
    }

    private sealed class CanonicalConnectorReader : IConnectorReader
    {
        public string Dialect => "connector";

        public bool Recognizes(DocObject root) => CanonicalReader.Recognizes(root);

        public ConnectorSpec? Read(DocContext context, DocObject root) => CanonicalReader.Read(context, root);
    }
}
