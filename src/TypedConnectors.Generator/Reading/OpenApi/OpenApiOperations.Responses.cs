using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>Responses: success type and kind, typed error responses.</summary>
internal sealed partial class OpenApiOperations
{
    private ResponseSpec ReadResponses(Site operation, string typePrefix, List<string> produces)
    {
        if (operation.Child("responses") is not { Node: DocObject responses } responsesSite)
        {
            return ResponseSpec.None;
        }

        // Plain loops: this runs once per operation, and thousands of operations made the LINQ chains' allocations count.
        var codes = new List<string>(responses.Properties.Count);
        var success = new List<string>();
        var anyFailure = false;
        foreach (var property in responses.Properties)
        {
            var c = property.Name;
            if (c.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            codes.Add(c);
            if (c.Length == 3 && c[0] == '2')
            {
                success.Add(c);
            }

            anyFailure |= c.Length == 3 && c[0] is '3' or '4' or '5' || c is "4XX" or "5XX" or "4xx" or "5xx";
        }

        success.Sort(StringComparer.Ordinal);
        foreach (var c in codes)
        {
            if (c is "2XX" or "2xx")
            {
                success.Add(c);
            }
        }

        var defaultIsSuccess = success.Count == 0 && !anyFailure;
        if (defaultIsSuccess && codes.Contains("default"))
        {
            success.Add("default");
        }

        ResponseSpec? result = null;
        foreach (var code in success)
        {
            var (kind, type, description) = ReadResponse(responsesSite.Child(code)!.Value, typePrefix + "Response", produces);
            result ??= new ResponseSpec { Kind = ResponseKind.None, Description = description };
            if (kind != ResponseKind.None)
            {
                result = new ResponseSpec
                {
                    Kind = kind,
                    Type = type,
                    Description = description,
                };
                break;
            }
        }

        result ??= ResponseSpec.None;
        var errors = new List<ErrorResponseSpec>();
        var errorCodes = new List<string>();
        foreach (var c in codes)
        {
            if ((c.Length == 3 && c[0] is '4' or '5') || c is "4XX" or "5XX" or "4xx" or "5xx" || (c == "default" && !defaultIsSuccess))
            {
                errorCodes.Add(c);
            }
        }

        // Exact codes first, then ranges (4XX), then default; ordinal within each. Equal keys are equal strings, so the
        // sort need not be stable.
        errorCodes.Sort(
            static (a, b) =>
            {
                var byRank = ErrorRank(a).CompareTo(ErrorRank(b));
                return byRank != 0 ? byRank : string.CompareOrdinal(a, b);
            }
        );
        foreach (var code in errorCodes)
        {
            var upper = code.ToUpperInvariant();
            var suffix = code == "default" ? "" : upper;
            var (kind, type, _) = ReadResponse(responsesSite.Child(code)!.Value, typePrefix + suffix + "Error", produces);
            // Any schema but "anything" gives a typed error; a JSON string or number body is as typed as an object.
            if (kind == ResponseKind.Json && type is { Kind: not (TypeKind.Any or TypeKind.Stream) } errorType)
            {
                errors.Add(new ErrorResponseSpec(upper == "DEFAULT" ? "default" : upper, errorType));
            }
        }

        return errors.Count == 0 ? result : result with { Errors = errors.ToEquatableArray() };
    }

    private static int ErrorRank(string code) =>
        code == "default" ? 2
        : char.IsDigit(code[1]) ? 0
        : 1;

    private (ResponseKind Kind, TypeRef? Type, string? Description) ReadResponse(Site site, string typeName, List<string> produces)
    {
        if (!_context.TryResolve(site, out var target) || target.Node is not DocObject response)
        {
            return (ResponseKind.None, null, null);
        }

        var document = target.Document;
        var description =
            document.Get(response, "description") is DocScalar { Kind: ScalarKind.String } d && d.Text.Length > 0 ? d.Text : null;
        if (_context.IsV2)
        {
            if (target.Child("schema") is not { } schema)
            {
                return (ResponseKind.None, null, description);
            }

            var type = _schemas.Map(schema, typeName);
            if (type.Kind == TypeKind.Stream || (produces.Count > 0 && !produces.Any(IsJson) && produces.Any(IsBinary)))
            {
                return (ResponseKind.Stream, new TypeRef(TypeKind.Stream), description);
            }

            if (produces.Count > 0 && !produces.Any(IsJson))
            {
                return (ResponseKind.Text, TypeRef.String, description);
            }

            return (ResponseKind.Json, type, description);
        }

        if (target.Child("content") is not { Node: DocObject { Properties.Count: > 0 } content } contentSite)
        {
            return (ResponseKind.None, null, description);
        }

        // A streamed media type (text/event-stream, NDJSON) is the streaming feature's; the plain method reads another
        // media type when there is one, else returns the raw stream.
        var plain = content.Properties.Where(p => StreamedFormat(p.Name) is null).ToList();
        if (plain.Count == 0)
        {
            return (ResponseKind.Stream, new TypeRef(TypeKind.Stream), description);
        }

        var (mediaType, mediaSite) = PickMedia(
            contentSite,
            plain.Count == content.Properties.Count ? content : new DocObject(content.Start, content.Length, plain),
            forRequest: false
        );
        var schemaSite = mediaSite.Child("schema");
        var mapped = schemaSite is { } s ? _schemas.Map(s, typeName) : null;
        if (mapped?.Kind == TypeKind.Stream || (IsBinary(mediaType) && !(mediaType == "*/*" && mapped is { Kind: not TypeKind.String })))
        {
            return (ResponseKind.Stream, new TypeRef(TypeKind.Stream), description);
        }

        if (IsJson(mediaType) || (mediaType == "*/*" && mapped is not null))
        {
            return (ResponseKind.Json, mapped ?? TypeRef.Any, description);
        }

        return (ResponseKind.Text, TypeRef.String, description);
    }

    /// <summary>The framing of a streamed media type: server-sent events, or one JSON value a line (NDJSON, JSON Lines, JSON text sequences).</summary>
    internal static StreamFormat? StreamedFormat(string mediaType) =>
        mediaType.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "text/event-stream" => StreamFormat.ServerSentEvents,
            "application/x-ndjson"
            or "application/ndjson"
            or "application/jsonl"
            or "application/x-jsonl"
            or "application/jsonlines"
            or "application/x-jsonlines"
            or "application/json-seq"
            or "application/stream+json"
            or "application/x-json-stream" => StreamFormat.JsonLines,
            _ => null,
        };

    /// <summary>What the operation-level features (Features/) read of one operation.</summary>
    private Features.OpenApiFeatureSite FeatureSite(Site operation, string typePrefix) =>
        new(
            operation.Document.Context,
            (DocObject)operation.Node,
            operation.Pointer,
            _context.IsV2 ? [] : StreamedMedia(operation, typePrefix),
            name => RequestPropertyType(operation, name)
        );

    /// <summary>
    /// The streamed media of the success responses, first code first: one event's type is the media's
    /// <c>itemSchema</c> (OpenAPI 3.2; for server-sent events the schema of its <c>data</c>, or data's
    /// <c>contentSchema</c>) or else its <c>schema</c>, an array unwrapped to its items; no schema, or a string one (an
    /// event stream described as text), leaves the events untyped JSON.
    /// </summary>
    private List<Features.StreamedMedia> StreamedMedia(Site operation, string typePrefix)
    {
        var found = new List<Features.StreamedMedia>();
        if (operation.Child("responses") is not { Node: DocObject responses } responsesSite)
        {
            return found;
        }

        foreach (
            var code in responses
                .Properties.Select(p => p.Name)
                .Where(c => c.Length == 3 && c[0] == '2' || c is "2XX" or "2xx")
                .OrderBy(c => c, StringComparer.Ordinal)
        )
        {
            if (
                !_context.TryResolve(responsesSite.Child(code)!.Value, out var response)
                || response.Child("content") is not { Node: DocObject content } contentSite
            )
            {
                continue;
            }

            foreach (var media in content.Properties)
            {
                if (StreamedFormat(media.Name) is not { } format || contentSite.Child(media.Name) is not { } mediaSite)
                {
                    continue;
                }

                var schema = mediaSite.Child("itemSchema") is { } item ? EventSchema(item, format) : mediaSite.Child("schema");
                var type = schema is { } s ? _schemas.Map(s, typePrefix + "Event") : TypeRef.Any;
                if (type.Kind == TypeKind.Array)
                {
                    type = type.Item ?? TypeRef.Any;
                }

                if (type.Kind is TypeKind.String or TypeKind.Stream)
                {
                    type = TypeRef.Any;
                }

                found.Add(new Features.StreamedMedia(format, media.Name.Split(';')[0].Trim().ToLowerInvariant(), type, mediaSite.Pointer));
            }
        }

        return found;
    }

    /// <summary>An OpenAPI 3.2 <c>itemSchema</c> of an event stream describes the event (data, event, id, retry): its data is the event type.</summary>
    private Site? EventSchema(Site itemSchema, StreamFormat format)
    {
        if (
            format == StreamFormat.ServerSentEvents
            && _context.TryResolve(itemSchema, out var target)
            && target.Child("properties") is { } properties
            && properties.Child("data") is { } data
        )
        {
            return data.Child("contentSchema") ?? data;
        }

        return itemSchema;
    }

    /// <summary>The JSON schema <c>type</c> of a top-level property of the operation's JSON request body, when written.</summary>
    private string? RequestPropertyType(Site operation, string name)
    {
        if (
            operation.Child("requestBody") is not { } body
            || !_context.TryResolve(body, out var requestBody)
            || requestBody.Child("content") is not { Node: DocObject content } contentSite
        )
        {
            return null;
        }

        var json = content.First(p => IsJson(p.Name.Split(';')[0].Trim().ToLowerInvariant()) && StreamedFormat(p.Name) is null);
        if (
            json is not { } media
            || contentSite.Child(media.Name)?.Child("schema") is not { } schema
            || !_context.TryResolve(schema, out var resolved)
            || resolved.Child("properties") is not { } properties
            || properties.Child(name) is not { } property
            || !_context.TryResolve(property, out var declared)
        )
        {
            return null;
        }

        return declared.Child("type")?.Node switch
        {
            DocScalar { Kind: ScalarKind.String } type => type.Text,
            // OpenAPI 3.1: ["boolean", "null"]
            DocArray types
                when types.Items.OfType<DocScalar>().Where(t => t.Text != "null").Select(t => t.Text).ToList() is { Count: 1 } only => only[
                0
            ],
            _ => "",
        };
    }
}
