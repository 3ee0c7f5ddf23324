using System.ComponentModel;

// Shared with the generator, which compiles this file too (internal, in its model's namespace), so the two can never disagree.
#if TYPEDCONNECTORS_GENERATOR
namespace TypedConnectors.Generator.Model
#else
namespace TypedConnectors
#endif
{
    /// <summary>How an array or object parameter is serialized, as OpenAPI's <c>style</c> keyword defines it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
#if TYPEDCONNECTORS_GENERATOR
    internal
#else
    public
#endif
    enum ParameterStyle
    {
        /// <summary><c>name=a&amp;name=b</c> when exploded, <c>name=a,b</c> otherwise.</summary>
        Form,

        /// <summary><c>name=a%20b</c> (exploded: as <see cref="Form"/>).</summary>
        SpaceDelimited,

        /// <summary><c>name=a|b</c> (exploded: as <see cref="Form"/>).</summary>
        PipeDelimited,

        /// <summary><c>name[key]=value</c>; for objects only, see <see cref="ConnectorRequest.QueryObject"/>.</summary>
        DeepObject,

        /// <summary><c>a,b</c>: comma-separated, as used in paths and headers.</summary>
        Simple,
    }
}
