using System.Runtime.CompilerServices;

namespace TypedConnectors.Generator.Emit;

/// <summary>
/// Identity comparison for the emitter's per-operation and per-type caches: the specs are records whose value equality
/// would hash their whole contents at every lookup.
/// </summary>
internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
    where T : class
{
    public static readonly ReferenceComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}
