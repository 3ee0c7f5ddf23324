using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Large APIs (more than <see cref="GroupingThreshold"/> operations) get one sub-client per group (an OpenAPI tag):
/// <c>client.Pets.ListPetsAsync(...)</c> instead of hundreds of methods on one class. Operations without a group stay
/// on the client itself. Each operation is still exactly one method.
/// </summary>
internal sealed partial class ConnectorEmitter
{
    /// <summary>Up to this many operations, every operation is a method of the client itself.</summary>
    internal const int GroupingThreshold = 30;

    private List<OperationGroup>? _groups;

    private sealed record OperationGroup(string Name, string Property, string ClassName, List<OperationSpec> Operations)
    {
        public string InterfaceName => "I" + ClassName;
    }

    private List<OperationGroup> Groups => _groups ??= ComputeGroups();

    /// <summary>The operations declared on the client itself.</summary>
    private IEnumerable<OperationSpec> TopLevelOperations =>
        Groups.Count == 0 ? _spec.Operations : _spec.Operations.Where(o => o.Group is null);

    private List<OperationGroup> ComputeGroups()
    {
        var groups = new List<OperationGroup>();
        if (_spec.Operations.Count <= GroupingThreshold || _spec.IsProxy || !_spec.Operations.Any(o => o.Group is not null))
        {
            return groups;
        }

        // Property names share the client's member scope; class names the namespace's type scope.
        var members = new Naming.Scope(
            _spec
                .Operations.Where(o => o.Group is null)
                .SelectMany(o => o.MethodIdentifiers)
                .Concat(Naming.ClientMembers)
                .Append(_spec.ClientName)
        );
        var types = new Naming.Scope(
            _spec
                .Types.Select(t => t.Identifier)
                .Concat(
                    new[]
                    {
                        _spec.ClientName,
                        InterfaceName,
                        ConnectionName,
                        JsonHelperName,
                        _stem + "AuthMethod",
                        _stem + "ServiceCollectionExtensions",
                        CustomAuthInterfaceName(_spec.ClientName),
                    }
                )
        );
        foreach (var operation in _spec.Operations)
        {
            if (operation.Group is not { } name)
            {
                continue;
            }

            var group = groups.FirstOrDefault(g => g.Name == name);
            if (group is null)
            {
                var property = members.Claim(Naming.EscapeKeyword(Naming.ToPascal(name, "Group")));
                var className = _stem + Naming.Unescaped(property) + "Operations";
                while (types.IsUsed(className) || types.IsUsed("I" + className))
                {
                    className += "Group";
                }

                types.Claim(className);
                types.Claim("I" + className);
                group = new OperationGroup(name, property, className, new List<OperationSpec>());
                groups.Add(group);
            }

            group.Operations.Add(operation);
        }

        return groups;
    }

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
                Literals.Summary(writer, "Operations tagged '" + group.Name + "'.", "");
                writer.Line(group.InterfaceName + " " + group.Property + " { get; }");
                continue;
            }

            var field = "__group" + Naming.Unescaped(group.Property);
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
            Literals.Summary(writer, "Operations tagged '" + group.Name + "' of the " + ConnectorTitle + " connector.", "");
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
                    + Naming.Unescaped(group.Property)
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
