using System.Globalization;
using System.Text.Json.Nodes;

namespace TypedConnectors.Generator.Reading.OpenApi;

/// <summary>
/// Turns a <see cref="DocNode"/> tree (read from JSON or YAML) into System.Text.Json nodes for Microsoft.OpenApi's JSON
/// reader. The tree already holds YAML's typing (plain <c>true</c> and numbers vs quoted strings) and has duplicate keys
/// removed (first wins), so both formats reach Microsoft.OpenApi the same way.
/// </summary>
internal static class DocJson
{
    public static JsonNode? ToJsonNode(DocNode node, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case DocObject obj:
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = new JsonObject();
                foreach (var property in obj.Properties)
                {
                    if (!result.ContainsKey(property.Name))
                    {
                        result.Add(property.Name, ToJsonNode(property.Value, cancellationToken));
                    }
                }

                return result;
            }

            case DocArray array:
            {
                var result = new JsonArray();
                foreach (var item in array.Items)
                {
                    result.Add(ToJsonNode(item, cancellationToken));
                }

                return result;
            }

            case DocScalar { Kind: ScalarKind.String } s:
                return JsonValue.Create(s.Text);
            case DocScalar { Kind: ScalarKind.Boolean } b:
                return JsonValue.Create(b.Text == "true");
            case DocScalar { Kind: ScalarKind.Number } n:
                if (long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return JsonValue.Create(l);
                }

                if (decimal.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
                {
                    return JsonValue.Create(m);
                }

                return double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d)
                    ? JsonValue.Create(d)
                    : JsonValue.Create(n.Text);
            default:
                return null;
        }
    }
}
