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

        var (mediaType, mediaSite) = PickMedia(contentSite, content, forRequest: false);
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
}
