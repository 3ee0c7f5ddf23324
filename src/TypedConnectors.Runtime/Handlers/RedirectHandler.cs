using System.Net;

namespace TypedConnectors;

/// <summary>
/// Follows redirects without leaking credentials: hops within the original origin go through the auth handler again,
/// hops to another origin are sent without it and with only content-negotiation headers.
/// </summary>
/// <remarks>
/// SocketsHttpHandler's own redirect following strips only the Authorization header, so an API key in a custom header
/// or the query would follow a redirect to any host; that is why the connection's default inner handler has automatic
/// redirects off and this handler takes their place. HTTPS to HTTP downgrades are not followed.
/// </remarks>
internal sealed class RedirectHandler : DelegatingHandler
{
    private const int MaxRedirects = 5;
    private static readonly string[] ForwardedHeaders = ["Accept", "Accept-Language", "User-Agent"];

    private readonly HttpMessageInvoker _unauthenticated;

    /// <param name="unauthenticated">The part of the pipeline below the auth handler; not disposed by this handler.</param>
    public RedirectHandler(HttpMessageHandler unauthenticated)
    {
        _unauthenticated = new HttpMessageInvoker(unauthenticated, disposeHandler: false);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var origin = request.RequestUri!;
        var pending = base.SendAsync(request, cancellationToken);

        // A response that is already there and no redirect is passed on as it is, without a state machine of this step's.
        return pending.IsCompletedSuccessfully && !IsRedirect(pending.Result.StatusCode)
            ? pending
            : FollowAsync(request, origin, pending, cancellationToken);
    }

    private async Task<HttpResponseMessage> FollowAsync(
        HttpRequestMessage request,
        Uri origin,
        Task<HttpResponseMessage> pending,
        CancellationToken cancellationToken
    )
    {
        var current = request;
        var leftOrigin = false;
        var response = await pending.ConfigureAwait(false);
        for (var hop = 0; hop < MaxRedirects && IsRedirect(response.StatusCode); hop++)
        {
            if (response.Headers.Location is not { } location)
            {
                break;
            }

            var from = current.RequestUri!;
            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            if (
                (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
                || (from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            )
            {
                break;
            }

            // 303, and 301/302 after POST, turn into GET without a body, as every HTTP client does.
            var status = response.StatusCode;
            var toGet =
                (status == HttpStatusCode.SeeOther && current.Method != HttpMethod.Head)
                || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && current.Method == HttpMethod.Post);
            var method = toGet ? HttpMethod.Get : current.Method;
            var content = toGet ? null : current.Content;
            response.Dispose();

            leftOrigin |=
                Uri.Compare(origin, target, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0;
            if (!leftOrigin)
            {
                current.RequestUri = target;
                current.Method = method;
                current.Content = content;
                response = await base.SendAsync(current, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var next = new HttpRequestMessage(method, target)
            {
                Content = content,
                Version = current.Version,
                VersionPolicy = current.VersionPolicy,
            };
            foreach (var name in ForwardedHeaders)
            {
                if (current.Headers.TryGetValues(name, out var values))
                {
                    next.Headers.TryAddWithoutValidation(name, values);
                }
            }

            current = next;
            response = await _unauthenticated.SendAsync(next, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status
            is HttpStatusCode.MovedPermanently
                or HttpStatusCode.Found
                or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect
                or HttpStatusCode.PermanentRedirect;
}
