using TypedConnectors.Generator.Diagnostics;

namespace TypedConnectors.Generator.Model;

internal static partial class SpecBinder
{
    /// <summary>Up to this many operations, every operation is a method of the client itself.</summary>
    internal const int GroupingThreshold = 30;

    /// <summary>
    /// The client's type-name stem: the slug's words, each spelt as the connector's display name or name spells it
    /// when one of their words is that word ("GitHub" and slug "github" give <c>GitHub</c>, not <c>Github</c>).
    /// </summary>
    private static string BaseName(string slug, string? displayName, string name)
    {
        var spellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in new[] { displayName, name })
        {
            foreach (var token in (source ?? "").Split(NonWordSeparators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!spellings.ContainsKey(token) && token.Any(char.IsUpper))
                {
                    spellings[token] = token;
                }
            }
        }

        var words = slug.Split(NonWordSeparators, StringSplitOptions.RemoveEmptyEntries)
            .Select(word => spellings.TryGetValue(word, out var spelt) ? spelt : word);
        return Naming.ToPascal(string.Join(" ", words), "Connector");
    }

    private static readonly char[] NonWordSeparators = { ' ', '-', '_', '.', '/', ':', '(', ')', ',', '&', '+' };

    /// <summary>
    /// Large APIs (more than <see cref="GroupingThreshold"/> operations) get one sub-client per group (an OpenAPI tag,
    /// a canonical <c>group</c>): <c>client.Pets.ListPetsAsync(...)</c>. A group name that repeats the end of the
    /// client's own name drops it (tag "Verify V2 Verification" under <c>TwilioVerifyV2Client</c> is
    /// <c>Verification</c>). Properties share the client's member scope, classes the namespace's type scope; a
    /// collision in either is reported (TC0012).
    /// </summary>
    private static EquatableArray<GroupNames> BindGroups(
        ConnectorSpec spec,
        IReadOnlyList<OperationSpec> operations,
        GeneratedNames names,
        IEnumerable<TypeSpec> types,
        List<DiagnosticInfo> diagnostics,
        Func<bool, string[], LocationInfo> at
    )
    {
        if (operations.Count <= GroupingThreshold || spec.IsProxy || !operations.Any(o => o.Group is not null))
        {
            return EquatableArray<GroupNames>.Empty;
        }

        var members = new Naming.Scope(
            operations.Where(o => o.Group is null).SelectMany(o => o.MethodIdentifiers).Concat(Naming.ClientMembers).Append(names.Client)
        );
        var typeScope = new Naming.Scope(types.Select(t => t.Identifier).Concat(names.TypeNames));
        var groups = new List<GroupNames>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            if (operation.Group is not { } name || groups.Any(g => g.Group == name))
            {
                continue;
            }

            var wanted = Naming.EscapeKeyword(Naming.WithoutLeadingWordsOf(Naming.ToPascal(name, "Group"), names.Stem));
            var property = members.Claim(wanted);
            var className = names.Stem + Naming.Unescaped(property) + "Operations";
            var wantedClass = className;
            while (typeScope.IsUsed(className) || typeScope.IsUsed("I" + className))
            {
                className += "Group";
            }

            typeScope.Claim(className);
            typeScope.Claim("I" + className);
            if (property != wanted || className != wantedClass)
            {
                var other = owners.TryGetValue(Naming.Unescaped(wanted), out var owner) ? owner : Naming.Unescaped(wanted);
                diagnostics.Add(
                    DiagnosticInfo.Create(
                        DiagnosticDescriptors.IdentifierCollision,
                        at(false, new[] { operation.Pointer + "/tags", operation.Pointer + "/group", operation.Pointer }),
                        other,
                        name,
                        property != wanted ? Naming.Unescaped(wanted) : wantedClass,
                        property != wanted ? Naming.Unescaped(property) : className
                    )
                );
            }

            owners[Naming.Unescaped(property)] = name;
            groups.Add(new GroupNames(name, property, className, "I" + className));
        }

        return groups.ToEquatableArray();
    }
}
