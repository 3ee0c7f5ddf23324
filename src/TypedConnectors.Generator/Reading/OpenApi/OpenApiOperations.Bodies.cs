using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Request bodies: media type choice, JSON, form, multipart and binary bodies.</summary>
internal sealed partial class OpenApiOperations
{
    private BodySpec? ReadRequestBody(Site site, string typePrefix, List<ParameterSpec> parameters)
    {
        if (!_context.TryResolve(site, out var target) || target.Node is not DocObject requestBody)
        {
            return null;
        }

        var document = target.Document;
        var required = Bool(target, requestBody, "required") ?? false;
        var description = document.Get(requestBody, "description") is DocScalar { Kind: ScalarKind.String } d ? d.Text : null;
        var parameterName = document.Get(requestBody, "x-codegen-request-body-name") is DocScalar { Kind: ScalarKind.String } n
            ? n.Text
            : "body";
        if (target.Child("content") is not { Node: DocObject content } contentSite || content.Properties.Count == 0)
        {
            return null;
        }

        var (mediaType, mediaSite) = PickMedia(contentSite, content, forRequest: true);
        var schemaSite = mediaSite.Child("schema");
        if (mediaType == "multipart/form-data" || mediaType == "application/x-www-form-urlencoded")
        {
            var multipart = mediaType == "multipart/form-data";
            if (schemaSite is not { } schema)
            {
                return new BodySpec
                {
                    Kind = BodyKind.Text,
                    ContentType = mediaType,
                    Type = TypeRef.String,
                    Required = required,
                    Description = description,
                    ParameterName = parameterName,
                    Pointer = target.Pointer,
                };
            }

            // An inline form schema becomes method parameters; a named one a record the caller fills in.
            if (
                !OpenApiContext.IsReference(schema)
                && schema.Child("properties") is { Node: DocObject properties } propertiesSite
                && schema.Node is DocObject schemaObject
                && schemaObject.Properties.All(p => p.Name is "type" or "properties" or "required" or "description" or "title")
            )
            {
                var requiredNames = new HashSet<string>(StringComparer.Ordinal);
                if (document.Get(schemaObject, "required") is DocArray requiredArray)
                {
                    foreach (var item in requiredArray.Items.OfType<DocScalar>())
                    {
                        requiredNames.Add(item.Text);
                    }
                }

                foreach (var property in properties.Properties)
                {
                    var propertySite = propertiesSite.Child(property.Name)!.Value;
                    var type = _schemas.Map(propertySite, new SuggestedName(typePrefix, property.Name, "Field"));
                    parameters.Add(
                        new ParameterSpec
                        {
                            Name = property.Name,
                            Location = multipart ? ParameterLocation.Multipart : ParameterLocation.Form,
                            Type = type,
                            // The API needs its required fields whether or not the document marks the body itself required.
                            Required = requiredNames.Contains(property.Name),
                            Description = _schemas.Description(propertySite),
                            Default = _schemas.Default(propertySite),
                            Explode = true,
                            Constraints = _schemas.Constraints(propertySite),
                            Pointer = propertySite.Pointer,
                        }
                    );
                }

                return null;
            }

            var mapped = _schemas.Map(schema, typePrefix + "Request");
            if (_schemas.Find(mapped) is { Kind: TypeSpecKind.Object })
            {
                return new BodySpec
                {
                    Kind = multipart ? BodyKind.Multipart : BodyKind.Form,
                    ContentType = mediaType,
                    Type = mapped,
                    Required = required,
                    Description = description,
                    ParameterName = parameterName,
                    Pointer = target.Pointer,
                };
            }

            _context.Unsupported(document, schema.Node, "a form body whose schema is not an object (sent as text)");
            return new BodySpec
            {
                Kind = BodyKind.Text,
                ContentType = mediaType,
                Type = TypeRef.String,
                Required = required,
                Description = description,
                ParameterName = parameterName,
                Pointer = target.Pointer,
            };
        }

        var bodyType = schemaSite is { } s ? _schemas.Map(s, typePrefix + "Request") : TypeRef.Any;
        BodyKind kind;
        if (IsJson(mediaType) && bodyType.Kind != TypeKind.Stream)
        {
            kind = BodyKind.Json;
        }
        else if (IsBinary(mediaType) || bodyType.Kind == TypeKind.Stream)
        {
            kind = BodyKind.Binary;
            bodyType = new TypeRef(TypeKind.Stream);
        }
        else
        {
            kind = BodyKind.Text;
            bodyType = TypeRef.String;
        }

        return new BodySpec
        {
            Kind = kind,
            ContentType = mediaType == "*/*" ? (kind == BodyKind.Json ? "application/json" : "application/octet-stream") : mediaType,
            Type = bodyType,
            Required = required,
            Description = description,
            ParameterName = parameterName,
            Pointer = target.Pointer,
        };
    }

    /// <summary>The media type to use: JSON first, then forms, binary, text and anything else.</summary>
    private static (string MediaType, Site Site) PickMedia(Site contentSite, DocObject content, bool forRequest)
    {
        int Rank(string mediaType) =>
            mediaType switch
            {
                _ when IsJson(mediaType) => 0,
                "multipart/form-data" when forRequest => 1,
                "application/x-www-form-urlencoded" when forRequest => 2,
                _ when IsBinary(mediaType) => 3,
                _ when mediaType.StartsWith("text/", StringComparison.Ordinal) => 4,
                _ => 5,
            };

        // The lowest rank, the first written on a tie (content has at least one entry).
        string? bestName = null;
        string? bestMedia = null;
        var bestRank = int.MaxValue;
        foreach (var property in content.Properties)
        {
            var semicolon = property.Name.IndexOf(';');
            var media = (semicolon >= 0 ? property.Name.Substring(0, semicolon) : property.Name).Trim().ToLowerInvariant();
            var rank = Rank(media);
            if (rank < bestRank)
            {
                (bestName, bestMedia, bestRank) = (property.Name, media, rank);
            }
        }

        return (bestMedia!, contentSite.Child(bestName!)!.Value);
    }

    internal static bool IsJson(string mediaType) =>
        mediaType == "application/json"
        || mediaType.EndsWith("+json", StringComparison.Ordinal)
        || mediaType.EndsWith("/json", StringComparison.Ordinal)
        || mediaType.StartsWith("application/json", StringComparison.Ordinal)
        || mediaType == "text/json";

    internal static bool IsBinary(string mediaType) =>
        mediaType
            is "application/octet-stream"
                or "application/pdf"
                or "application/zip"
                or "application/gzip"
                or "*/*"
                or "application/x-tar"
                or "application/vnd.ms-excel"
        || mediaType.StartsWith("image/", StringComparison.Ordinal)
        || mediaType.StartsWith("audio/", StringComparison.Ordinal)
        || mediaType.StartsWith("video/", StringComparison.Ordinal)
        || mediaType.StartsWith("font/", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.openxmlformats", StringComparison.Ordinal);
}
