using System.Collections.Immutable;
using TypedConnectors.Generator.Diagnostics;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.Canonical;

/// <summary>Endpoints of the canonical format: method, path, parameters, bodies and templates, responses.</summary>
internal static partial class CanonicalReader
{
    private static OperationSpec? ReadEndpoint(DocContext context, SchemaReader schemas, DocObject obj, string pointer)
    {
        context.CheckKeys(obj, EndpointKeys, "an endpoint");
        var name = context.String(obj, "name", required: true, where: "an endpoint");
        var method = context.OneOf(obj, "method", HttpMethods, "HTTP method", required: true, where: "an endpoint");
        var path = context.String(obj, "path", required: true, where: "an endpoint");

        // Read to the end even when the endpoint cannot be generated, so the rest of it is checked in the same build.
        var typePrefix = Naming.ToPascal(name ?? "", "Endpoint");
        var contentTypeText = context.String(obj, "content_type");
        var parameters = ReadList(context, obj, "parameters", (o, p) => ReadParameter(context, schemas, o, pointer + p, typePrefix))
            .ToList();

        BodySpec? body = null;
        var templateNode = obj.Get("body_template");
        if (
            templateNode is not null
            && context.AsString(templateNode, "body_template") is { } template
            && templateNode is DocScalar templateScalar
        )
        {
            body = ReadTemplate(context, templateScalar, template, parameters, pointer + "/body_template", contentTypeText);
        }
        else if (context.Object(obj, "request_body") is { } requestBody)
        {
            context.CheckKeys(requestBody, RequestBodyKeys, "a request body");
            var contentType =
                context.Enum(
                    requestBody,
                    "content_type",
                    new[]
                    {
                        ("json", BodyKind.Json),
                        ("form", BodyKind.Form),
                        ("multipart", BodyKind.Multipart),
                        ("binary", BodyKind.Binary),
                        ("text", BodyKind.Text),
                    },
                    "request body content type"
                ) ?? BodyKind.Json;
            body = new BodySpec
            {
                Kind = contentType,
                ContentType = contentType switch
                {
                    BodyKind.Form => "application/x-www-form-urlencoded",
                    BodyKind.Multipart => "multipart/form-data",
                    BodyKind.Binary => "application/octet-stream",
                    BodyKind.Text => "text/plain",
                    _ => "application/json",
                },
                Type = contentType switch
                {
                    BodyKind.Binary => new TypeRef(TypeKind.Stream),
                    BodyKind.Text => TypeRef.String,
                    _ => requestBody.Get("schema") is { } schema ? schemas.Read(schema, typePrefix + "Request") : TypeRef.Any,
                },
                Required = context.Bool(requestBody, "required") ?? true,
                Description = context.String(requestBody, "description"),
                Pointer = pointer + "/request_body",
            };
        }
        else if (parameters.Any(p => p.Location == ParameterLocation.Body))
        {
            body = new BodySpec { Kind = BodyKind.JsonFields, Pointer = pointer };
        }

        var responseNode = obj.Get("response");
        var responseType = responseNode is null ? null : schemas.Read(responseNode, typePrefix + "Response");
        var responseKind =
            context.Enum(obj, "response_type", ResponseKinds, "response type")
            ?? (responseType is null ? ResponseKind.None : ResponseKind.Json);
        var auth = ImmutableArray.CreateBuilder<string>();
        var anonymous = false;
        if (obj.Get("auth") is { } authNode)
        {
            if (authNode is DocScalar { Kind: ScalarKind.String, Text: "none" })
            {
                anonymous = true;
            }
            else if (context.AsArray(authNode, "auth") is { } keys)
            {
                foreach (var key in keys.Items)
                {
                    if (context.AsString(key, "auth item") is { } k)
                    {
                        auth.Add(k);
                    }
                }
            }
        }

        var operation = new OperationSpec
        {
            Name = name ?? "",
            Summary = context.String(obj, "summary"),
            Description = context.String(obj, "description"),
            Method = method ?? "",
            // A fragment never reaches the server: /#Action=Foo goes as the query it stands for, any other is left out.
            Path = PathKeys.RequestTarget(path ?? "", out _),
            Parameters = parameters.ToEquatableArray(),
            Body = body,
            Response = new ResponseSpec
            {
                Kind = responseKind,
                Type = responseKind switch
                {
                    ResponseKind.Json => responseType ?? TypeRef.Any,
                    ResponseKind.Text => TypeRef.String,
                    ResponseKind.Stream => new TypeRef(TypeKind.Stream),
                    _ => null,
                },
            },
            Group = context.String(obj, "group"),
            Deprecated = context.Bool(obj, "deprecated") ?? false,
            AuthMethods = auth.ToImmutable(),
            Anonymous = anonymous,
            Pointer = pointer,
        };
        return name is null || method is null || path is null
            ? null
            : Features.OperationFeatures.ReadEndpoint(context, obj, pointer, operation);
    }

    /// <summary>Parses a body template; its variables become body parameters (typed when declared with "in": "body").</summary>
    internal static BodySpec? ReadTemplate(
        DocContext context,
        DocScalar node,
        string template,
        List<ParameterSpec> parameters,
        string pointer,
        string? contentType
    )
    {
        var parsed = BodyTemplateParser.Parse(template);
        if (parsed.Error is not null)
        {
            var start = context.File.OffsetInString(node, parsed.ErrorIndex);
            var end = context.File.OffsetInString(node, parsed.ErrorIndex + parsed.ErrorLength);
            context.Diagnostics.Add(
                DiagnosticInfo.Create(DiagnosticDescriptors.InvalidBodyTemplate, context.File.Locate(start, end - start), parsed.Error)
            );
            return null;
        }

        foreach (var variable in parsed.Variables)
        {
            if (!parameters.Any(p => p.Location == ParameterLocation.Body && p.Name == variable))
            {
                var segment = parsed.Segments.First(s => s.Variable == variable);
                parameters.Add(
                    new ParameterSpec
                    {
                        Name = variable,
                        Location = ParameterLocation.Body,
                        Type = TypeRef.String,
                        Required = segment.Default is null,
                        Default = segment.Default,
                        Pointer = pointer,
                    }
                );
            }
        }

        return new BodySpec
        {
            Kind = BodyKind.Template,
            ContentType = contentType ?? "application/json",
            Template = parsed.Segments,
            Pointer = pointer,
        };
    }

    private static ParameterSpec? ReadParameter(DocContext context, SchemaReader schemas, DocObject obj, string pointer, string typePrefix)
    {
        context.CheckKeys(obj, ParameterKeys, "a parameter");
        var name = context.String(obj, "name", required: true, where: "a parameter");
        var location = context.Enum(obj, "in", ParameterLocations, "parameter location", required: true, where: "a parameter");

        // Shorthand ("type", "format", "enum", "items" on the parameter itself) and "schema" are the same thing; with
        // both, the schema gives the type and the shorthand is still checked, so neither hides a mistake.
        var typeName = typePrefix + Naming.ToPascal(name ?? "", "Parameter");
        var schemaNode = obj.Get("schema");
        TypeRef type;
        if (schemaNode is not null)
        {
            type = schemas.Read(schemaNode, typeName);
            foreach (var key in ShorthandKeys)
            {
                if (obj.Find(key) is { } both)
                {
                    context.ReportKey(
                        DiagnosticDescriptors.ValueOutOfRange,
                        both,
                        key,
                        "cannot be given next to \"schema\": the parameter's type is in one place or the other"
                    );
                }
            }
        }
        else if (obj.Get("type") is not null || obj.Get("enum") is not null)
        {
            type = schemas.Read(obj, typeName, checkKeys: false);
        }
        else
        {
            // An untyped parameter is a string; what else it says is still checked.
            context.String(obj, "format");
            if (obj.Get("items") is { } items)
            {
                context.AsObject(items, "items");
            }

            type = TypeRef.String;
        }

        // The default is a value of the parameter's type, checked as written: "30" is not the integer 30.
        var typeSource = schemaNode as DocObject ?? obj;
        var defaultNode = obj.Get("default");
        var untyped = schemaNode is null && obj.Get("type") is null && obj.Get("enum") is null;
        var defaultText = defaultNode is null ? null : schemas.CheckValue(defaultNode, typeSource, "default", untyped ? "string" : null);
        var constant = context.Scalar(obj, "value", ScalarKind.String, ScalarKind.Number, ScalarKind.Boolean);
        var required = context.Bool(obj, "required") ?? false;
        var constraints = schemas.ReadConstraints(obj);
        schemas.CheckConstraints(obj, constraints);
        var parameter = new ParameterSpec
        {
            Name = name ?? "",
            Location = location ?? ParameterLocation.Query,
            Type = type,
            Required = location == ParameterLocation.Path || required,
            Description = context.String(obj, "description"),
            Default = defaultText,
            Constant = string.IsNullOrEmpty(constant) ? null : constant,
            Style =
                context.Enum(
                    obj,
                    "style",
                    new[]
                    {
                        ("form", ParameterStyle.Form),
                        ("spaceDelimited", ParameterStyle.SpaceDelimited),
                        ("pipeDelimited", ParameterStyle.PipeDelimited),
                        ("deepObject", ParameterStyle.DeepObject),
                        ("simple", ParameterStyle.Simple),
                    },
                    "parameter style"
                ) ?? ParameterStyle.Form,
            Explode = context.Bool(obj, "explode") ?? true,
            Constraints = constraints,
            Pointer = pointer,
        };
        return name is null || location is null ? null : parameter;
    }
}
