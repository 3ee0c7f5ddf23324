using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Large APIs get one sub-client per operation group (names and grouping decided by <see cref="SpecBinder"/>):
/// <c>client.Pets.ListPetsAsync(...)</c> instead of hundreds of methods on one class. Operations without a group stay
/// on the client itself. Each operation is still exactly one method.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    private List<OperationGroup>? _groups;

    private sealed record OperationGroup(
        string Name,
        string Property,
        string ClassName,
        string InterfaceName,
        List<OperationSpec> Operations
    );

    private List<OperationGroup> Groups => _groups ??= CollectGroups();

    private List<OperationGroup> CollectGroups()
    {
        // One pass over the operations, not one per group.
        var byGroup = new Dictionary<string, List<OperationSpec>>(StringComparer.Ordinal);
        foreach (var operation in _spec.Operations)
        {
            if (operation.Group is { } name)
            {
                if (!byGroup.TryGetValue(name, out var members))
                {
                    members = new List<OperationSpec>();
                    byGroup.Add(name, members);
                }

                members.Add(operation);
            }
        }

        return _spec
            .Names.Groups.Select(g => new OperationGroup(
                g.Group,
                g.Property,
                g.ClassName,
                g.InterfaceName,
                byGroup.TryGetValue(g.Group, out var members) ? members : new List<OperationSpec>()
            ))
            .ToList();
    }

    /// <summary>The operations declared on the client itself.</summary>
    private IEnumerable<OperationSpec> TopLevelOperations =>
        Groups.Count == 0 ? _spec.Operations : _spec.Operations.Where(o => o.Group is null);

    /// <summary>The group properties of the client interface (declarations) or class (lazily created sub-clients).</summary>
    private void EmitGroupProperties(SourceWriter writer, bool declarationsOnly, bool separate)
    {
        foreach (var group in Groups)
        {
            if (separate)
            {
                writer.Line();
            }

            separate = true;
            if (declarationsOnly)
            {
                Literals.Element(writer, "summary", "", "Operations tagged '" + group.Name + "'.", "");
                writer.Line(group.InterfaceName + " " + group.Property + " { get; }");
                continue;
            }

            var field = "__group" + Identifier.Bare(group.Property);
            writer.Line("/// <inheritdoc/>");
            writer.Line(
                "public "
                    + group.InterfaceName
                    + " "
                    + group.Property
                    + " => "
                    + field
                    + " ??= new "
                    + group.ClassName
                    + "(Connection, HttpClient);"
            );
            writer.Line();
            writer.Line("private " + group.ClassName + "? " + field + ";");
        }
    }

    private void EmitGroups(SourceWriter writer, CancellationToken cancellationToken)
    {
        foreach (var group in Groups)
        {
            writer.Line();
            Literals.Element(writer, "summary", "", "Operations tagged '" + group.Name + "' of the " + ConnectorTitle + " connector.", "");
            writer.Line(GeneratedCodeAttribute);
            writer.Open("public partial interface " + group.InterfaceName);
            var first = true;
            foreach (var operation in group.Operations)
            {
                if (!first)
                {
                    writer.Line();
                }

                first = false;
                EmitOperationDeclarations(writer, operation);
            }

            writer.Close();
            writer.Line();
            writer.Line(
                "/// <summary>Operations tagged '"
                    + Literals.Xml(group.Name)
                    + "' of the "
                    + Literals.Xml(ConnectorTitle)
                    + " connector; reached through <see cref=\""
                    + _spec.ClientName
                    + "."
                    + Identifier.Bare(group.Property)
                    + "\"/>.</summary>"
            );
            writer.Line(GeneratedCodeAttribute);
            writer.Open(
                "public sealed partial class "
                    + group.ClassName
                    + " : global::TypedConnectors.ConnectorOperations<"
                    + ConnectionName
                    + ">, "
                    + group.InterfaceName
            );
            writer.Line(
                "internal "
                    + group.ClassName
                    + "("
                    + ConnectionName
                    + " connection, global::System.Net.Http.HttpClient httpClient) : base(connection, httpClient) { }"
            );
            foreach (var operation in group.Operations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.Line();
                EmitOperation(writer, operation);
            }

            writer.Close();
        }
    }
}
