// Shared with the generator, which compiles this file too (internal, in its model's namespace), so the two can never disagree.
#if TYPEDCONNECTORS_GENERATOR
namespace TypedConnectors.Generator.Model
#else
namespace TypedConnectors
#endif
{
    /// <summary>The kind of authentication an auth method uses.</summary>
#if TYPEDCONNECTORS_GENERATOR
    internal
#else
    public
#endif
    enum AuthKind
    {
        /// <summary>No credentials are sent.</summary>
        None,

        /// <summary>HTTP Basic: <c>base64(username:password)</c>.</summary>
        Basic,

        /// <summary>A bearer token in a header, <c>Bearer &lt;token&gt;</c> by default.</summary>
        Bearer,

        /// <summary>An API key in a header, a query parameter or a cookie.</summary>
        ApiKey,

        /// <summary>
        /// OAuth 2.0: built in when the client carries an <see cref="OAuth2Attribute"/> for the method (see <see cref="OAuthSession"/>);
        /// otherwise needs an <see cref="IAuthHandlerFactory"/> registered on <see cref="ConnectorConnectionOptions"/>.
        /// </summary>
        OAuth2,

        /// <summary>A user-supplied handler registered on <see cref="ConnectorConnectionOptions"/>.</summary>
        Custom,
    }

    /// <summary>Where an API key is sent.</summary>
#if TYPEDCONNECTORS_GENERATOR
    internal
#else
    public
#endif
    enum ApiKeyLocation
    {
        /// <summary>In a request header.</summary>
        Header,

        /// <summary>In a query string parameter.</summary>
        Query,

        /// <summary>In a cookie.</summary>
        Cookie,
    }
}
