using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Parameters: path-level and operation-level, their styles, Swagger 2.0 body kinds.</summary>
internal sealed partial class OpenApiOperations
{
    private List<ParameterSpec> ReadParameters(
        Site operation,
        Site? pathLevel,
        string typePrefix,
        List<string> consumes,
        out BodySpec? body,
        out List<(ParameterSpec Parameter, Site Site)> sites
    )
    {
        body = null;
        sites = new List<(ParameterSpec, Site)>();
        var entries = new List<(Site Site, DocObject Parameter, string Name, string In)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var levels = new[] { operation.Child("parameters"), pathLevel };
        for (var levelIndex = 0; levelIndex < levels.Length; levelIndex++)
        {
            if (levels[levelIndex] is not { } levelSite)
            {
                continue;
            }

            if (levelSite.Node is not DocArray array)
            {
                _context.Warn(levelSite.Document, levelSite.Node, "'parameters' must be an array");
                continue;
            }

            for (var i = 0; i < array.Items.Count; i++)
            {
                var itemSite = levelSite.Item(array, i);
                if (!_context.TryResolve(itemSite, out var target) || target.Node is not DocObject parameter)
                {
                    continue;
                }

                var name = target.Document.Get(parameter, "name") is DocScalar { Kind: ScalarKind.String or ScalarKind.Number } n
                    ? n.Text
                    : null;
                var location = target.Document.Get(parameter, "in") is DocScalar { Kind: ScalarKind.String } l ? l.Text : null;
                if (name is null || location is null)
                {
                    _context.Warn(target.Document, parameter, "a parameter needs 'name' and 'in'; it is skipped");
                    continue;
                }

                // Operation-level parameters override path-level ones with the same name and location.
                if (!seen.Add(location + "\0" + name))
                {
                    if (levelIndex == 0)
                    {
                        _context.Warn(
                            target.Document,
                            parameter,
                            "parameter '" + name + "' in " + location + " is declared twice; the first is used"
                        );
                    }

                    continue;
                }

                entries.Add((target, parameter, name, location));
            }
        }

        var result = new List<ParameterSpec>();
        var formParameters = entries.Where(e => e.In == "formData").ToList();
        // The declared media type decides; without one, a file needs multipart. A file in a form declared only as
        // application/x-www-form-urlencoded goes as that form's field (its bytes percent-encoded).
        var multipart =
            consumes.Contains("multipart/form-data")
            || (
                !consumes.Contains("application/x-www-form-urlencoded")
                && formParameters.Any(e => e.Site.Document.Get(e.Parameter, "type") is DocScalar { Text: "file" })
            );
        foreach (var (site, parameter, name, location) in entries)
        {
            var before = result.Count;
            var document = site.Document;
            switch (location)
            {
                case "body":
                {
                    var schemaSite = site.Child("schema");
                    var type = schemaSite is { } s ? _schemas.Map(s, typePrefix + "Request") : TypeRef.Any;
                    var (kind, contentType) = V2BodyKind(consumes, type);
                    body = new BodySpec
                    {
                        Kind = kind,
                        ContentType = contentType,
                        Type = kind switch
                        {
                            BodyKind.Binary => new TypeRef(TypeKind.Stream),
                            BodyKind.Text => TypeRef.String,
                            _ => type,
                        },
                        Required = Bool(site, parameter, "required") ?? false,
                        Description = Description(site, parameter),
                        ParameterName = name,
                        Pointer = site.Pointer,
                    };
                    break;
                }

                case "formData":
                    result.Add(
                        Parameter(site, parameter, name, multipart ? ParameterLocation.Multipart : ParameterLocation.Form, typePrefix)
                    );
                    break;
                case "path":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Path, typePrefix));
                    break;
                case "query":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Query, typePrefix));
                    break;
                case "header":
                    if (IgnoredHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        // OpenAPI: these are described by the body, the responses and the security schemes instead.
                        break;
                    }

                    if (!TemplateSyntax.IsToken(name))
                    {
                        _context.Warn(document, parameter, "'" + name + "' is not a valid HTTP header name; the parameter is skipped");
                        break;
                    }

                    result.Add(Parameter(site, parameter, name, ParameterLocation.Header, typePrefix));
                    break;
                case "cookie":
                    result.Add(Parameter(site, parameter, name, ParameterLocation.Cookie, typePrefix));
                    break;
                default:
                    _context.Warn(
                        document,
                        document.Get(parameter, "in") ?? parameter,
                        "'"
                            + location
                            + "' is not a parameter location (path, query, header, cookie"
                            + (_context.IsV2 ? ", body, formData" : "")
                            + "); the parameter is skipped"
                    );
                    break;
            }

            if (result.Count > before)
            {
                sites.Add((result[result.Count - 1], site));
            }
        }

        return result;
    }

    private static (BodyKind Kind, string ContentType) V2BodyKind(List<string> consumes, TypeRef type)
    {
        if (type.Kind == TypeKind.Stream)
        {
            // Bytes go with a declared media type: a binary one if there is one, else the one declared, else the
            // JSON that 2.0 assumes for every body without consumes.
            return (BodyKind.Binary, consumes.FirstOrDefault(c => !IsJson(c)) ?? consumes.FirstOrDefault() ?? "application/json");
        }

        if (consumes.Count == 0 || consumes.Any(IsJson))
        {
            return (BodyKind.Json, consumes.FirstOrDefault(IsJson) ?? "application/json");
        }

        var first = consumes[0];
        return IsBinary(first) ? (BodyKind.Binary, first) : (BodyKind.Text, first);
    }

    private ParameterSpec Parameter(Site site, DocObject parameter, string name, ParameterLocation location, string typePrefix)
    {
        var document = site.Document;
        var typeName = typePrefix + Naming.ToPascal(name, "Parameter");
        Site schemaSite;
        TypeRef type;
        if (site.Child("schema") is { } schema)
        {
            schemaSite = schema;
            type = _schemas.Map(schema, typeName);
        }
        else if (
            site.Child("content") is { Node: DocObject content } contentSite
            && content.Properties.Count > 0
            && contentSite.Child(content.Properties[0].Name)?.Child("schema") is { } contentSchema
        )
        {
            schemaSite = contentSchema;
            type = _schemas.Map(contentSchema, typeName);
        }
        else if (document.Get(parameter, "type") is not null)
        {
            // OpenAPI 2.0 and shorthand: the parameter object carries the schema keywords itself.
            schemaSite = site;
            type = _schemas.Map(site, typeName);
        }
        else
        {
            schemaSite = site;
            type = TypeRef.String;
        }

        if (type.Kind == TypeKind.Stream && location is not (ParameterLocation.Form or ParameterLocation.Multipart))
        {
            // A path, query, header or cookie value is text whatever its format says ("binary" octets): a string, which
            // is sent, not a Stream that no URL or header can carry.
            type = TypeRef.String.AsNullable(type.Nullable);
        }

        var (style, explode) = Style(site, parameter, location);
        var required = location == ParameterLocation.Path || (Bool(site, parameter, "required") ?? false);
        return new ParameterSpec
        {
            Name = name,
            Location = location,
            Type = type,
            Required = required,
            Description = Description(site, parameter),
            Default = _schemas.Default(schemaSite),
            Style = style,
            Explode = explode,
            Constraints = _schemas.Constraints(schemaSite),
            Pointer = site.Pointer,
        };
    }

    private (ParameterStyle Style, bool Explode) Style(Site site, DocObject parameter, ParameterLocation location)
    {
        var document = site.Document;
        if (_context.IsV2)
        {
            var format = document.Get(parameter, "collectionFormat") is DocScalar { Kind: ScalarKind.String } c ? c.Text : "csv";
            switch (format)
            {
                case "csv":
                    return (
                        location is ParameterLocation.Path or ParameterLocation.Header ? ParameterStyle.Simple : ParameterStyle.Form,
                        false
                    );
                case "ssv":
                    return (ParameterStyle.SpaceDelimited, false);
                case "pipes":
                    return (ParameterStyle.PipeDelimited, false);
                case "multi":
                    return (ParameterStyle.Form, true);
                case "tsv":
                    _context.Unsupported(
                        document,
                        document.Get(parameter, "collectionFormat")!,
                        "collectionFormat 'tsv' (values are sent comma-separated)"
                    );
                    return (ParameterStyle.Form, false);
                default:
                    _context.Warn(
                        document,
                        document.Get(parameter, "collectionFormat")!,
                        "'" + format + "' is not a collectionFormat (csv, ssv, tsv, pipes, multi); csv is used"
                    );
                    return (ParameterStyle.Form, false);
            }
        }

        var defaultStyle = location is ParameterLocation.Path or ParameterLocation.Header ? "simple" : "form";
        var styleNode = document.Get(parameter, "style");
        var styleText = styleNode is DocScalar { Kind: ScalarKind.String } st ? st.Text : defaultStyle;
        var style = styleText switch
        {
            "form" => ParameterStyle.Form,
            "simple" => ParameterStyle.Simple,
            "spaceDelimited" => ParameterStyle.SpaceDelimited,
            "pipeDelimited" => ParameterStyle.PipeDelimited,
            "deepObject" => ParameterStyle.DeepObject,
            _ => (ParameterStyle?)null,
        };
        if (style is null)
        {
            _context.Unsupported(
                document,
                styleNode ?? parameter,
                "parameter style '" + styleText + "' (the " + defaultStyle + " style is used)"
            );
            style = defaultStyle == "simple" ? ParameterStyle.Simple : ParameterStyle.Form;
        }

        var explode = Bool(site, parameter, "explode") ?? style == ParameterStyle.Form;
        return (style.Value, explode);
    }
}
