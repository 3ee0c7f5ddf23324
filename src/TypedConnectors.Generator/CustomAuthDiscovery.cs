using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedConnectors.Generator.Model;

namespace TypedConnectors.Generator;

/// <summary>
/// A class in the user's project that implements a generated <c>I…CustomAuth</c> interface, reduced to plain values so
/// the pipeline caches.
/// </summary>
/// <param name="InterfaceName">The interface's simple name as written in the base list.</param>
/// <param name="Qualifier">The namespace the base list qualifies it with (<c>global::</c> removed), or null when unqualified.</param>
/// <param name="TypeName">The implementing class, fully qualified with <c>global::</c>.</param>
/// <param name="CanConstruct">Non-abstract, non-generic, reachable from the generated code and with a parameterless constructor.</param>
/// <param name="CanRegister">Non-abstract, non-generic and reachable: a DI container can create it.</param>
internal sealed record CustomAuthImplementation(
    string InterfaceName,
    string? Qualifier,
    string TypeName,
    bool CanConstruct,
    bool CanRegister
);

/// <summary>
/// Finds the user's implementations of generated custom-auth interfaces. The generator cannot see its own output, so
/// the interface is an error type in the compilation it gets: it is recognised by name in the base list instead.
/// </summary>
internal static class CustomAuthDiscovery
{
    public const string InterfaceSuffix = GeneratedNames.CustomAuthSuffix;

    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
        node is TypeDeclarationSyntax { BaseList: { } list } declaration
        && (
            declaration is ClassDeclarationSyntax
            || declaration
                is RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.StructKeyword }
        )
        && list.Types.Any(t => RightmostName(t.Type) is { } name && name.EndsWith(InterfaceSuffix, StringComparison.Ordinal));

    public static EquatableArray<CustomAuthImplementation> Describe(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (TypeDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
        {
            return EquatableArray<CustomAuthImplementation>.Empty;
        }

        var reachable = !type.IsAbstract && !type.IsStatic && type.TypeParameters.Length == 0 && IsReachable(type);
        var parameterless = type.InstanceConstructors.Any(c =>
            c.Parameters.Length == 0
            && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal
        );
        var typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var found = new List<CustomAuthImplementation>();
        foreach (var baseType in declaration.BaseList!.Types)
        {
            if (RightmostName(baseType.Type) is not { } name || !name.EndsWith(InterfaceSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            // "global::A.B.IXCustomAuth" and "A.B.IXCustomAuth" both name namespace "A.B"; "global::IXCustomAuth" the global one.
            string? qualifier = baseType.Type switch
            {
                QualifiedNameSyntax qualified => qualified.Left.ToString(),
                AliasQualifiedNameSyntax => "",
                _ => null,
            };
            qualifier = qualifier?.Replace(" ", "");
            if (qualifier is not null && qualifier.StartsWith("global::", StringComparison.Ordinal))
            {
                qualifier = qualifier.Substring("global::".Length);
            }

            found.Add(new CustomAuthImplementation(name, qualifier, typeName, reachable && parameterless, reachable));
        }

        return found.ToEquatableArray();
    }

    /// <summary>The implementation of <paramref name="interfaceName"/> in <paramref name="ns"/> the generated code uses: constructible ones first, then by name.</summary>
    public static CustomAuthImplementation? Find(
        EquatableArray<CustomAuthImplementation> implementations,
        string ns,
        string interfaceName
    ) =>
        implementations
            .Where(i => i.InterfaceName == interfaceName && (i.Qualifier is null || i.Qualifier == ns))
            .OrderBy(i =>
                i.CanConstruct ? 0
                : i.CanRegister ? 1
                : 2
            )
            .ThenBy(i => i.TypeName, StringComparer.Ordinal)
            .FirstOrDefault();

    private static string? RightmostName(TypeSyntax type) =>
        type switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            _ => null,
        };

    private static bool IsReachable(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }
}
