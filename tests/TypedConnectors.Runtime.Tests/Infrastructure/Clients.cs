namespace TypedConnectors.Tests.Infrastructure;

// Client types shaped like generated ones. Every base URL points at the local test server through the
// host and port template variables, which also exercises port placeholders.
#pragma warning disable CA1812 // Only used through typeof.

[Connector("plain", Name = "Plain", BaseUrl = "http://{{host}}:{{port}}/api")]
internal sealed class PlainClient;

[Connector("auth", BaseUrl = "http://{{host}}:{{port}}/api")]
[AuthMethod("basic", AuthKind.Basic, IsDefault = true)]
[AuthMethod("key_as_user", AuthKind.Basic, UsernameField = "api_key", PasswordField = "password")]
[AuthFieldMutation("key_as_user", "password", DefaultValue = "X")]
[AuthMethod("bearer", AuthKind.Bearer)]
[AuthMethod("bearer_mutated", AuthKind.Bearer, TokenField = "access")]
[AuthFieldMutation("bearer_mutated", "access", Prefix = "pre-", Suffix = "-suf")]
[AuthMethod("bearer_override", AuthKind.Bearer, HeaderName = "X-Auth-Token", Prefix = "")]
[AuthMethod("key_header", AuthKind.ApiKey, HeaderName = "X-API-Key")]
[AuthMethod("key_header_prefix", AuthKind.ApiKey, HeaderName = "Authorization", Prefix = "Token")]
[AuthMethod("key_query", AuthKind.ApiKey, Location = ApiKeyLocation.Query, ParameterName = "api_key")]
[AuthMethod("key_cookie", AuthKind.ApiKey, Location = ApiKeyLocation.Cookie, ParameterName = "session")]
[AuthMethod("oauth", AuthKind.OAuth2)]
[AuthMethod("custom", AuthKind.Custom)]
internal sealed class AuthClient;

[Connector("limited", BaseUrl = "http://{{host}}:{{port}}/api")]
[RateLimit(10, 60)]
internal sealed class RateLimitedClient;

[Connector("tight", BaseUrl = "http://{{host}}:{{port}}/api")]
[RateLimit(2, 60)]
internal sealed class TightClient;

[Connector("concurrent", BaseUrl = "http://{{host}}:{{port}}/api")]
[MaxConcurrency(5)]
internal sealed class ConcurrencyClient;

[Connector("tenant", BaseUrl = "https://{{ domain }}/api/{{tenant}}")]
[TemplateVariable("domain", Pattern = @"[a-z0-9-]+\.example\.com")]
[TemplateVariable("tenant", DefaultValue = "main")]
[AuthMethod("basic", AuthKind.Basic)]
internal sealed class TenantClient;

[Connector("nobase")]
internal sealed class NoBaseUrlClient;

[Connector("two-defaults", BaseUrl = "https://example.com")]
[AuthMethod("a", AuthKind.Bearer, IsDefault = true)]
[AuthMethod("b", AuthKind.Bearer, IsDefault = true)]
internal sealed class TwoDefaultsClient;

[Connector("orphan-mutation", BaseUrl = "https://example.com")]
[AuthMethod("a", AuthKind.Bearer)]
[AuthFieldMutation("missing", "token", Prefix = "x")]
internal sealed class OrphanMutationClient;

[Connector("two-methods", BaseUrl = "https://example.com")]
[AuthMethod("a", AuthKind.Bearer)]
[AuthMethod("b", AuthKind.Bearer)]
internal sealed class NoDefaultClient;

internal sealed class NotAConnector;
#pragma warning restore CA1812
