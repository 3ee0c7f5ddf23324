using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedConnectors;

/// <summary>
/// Enumerates the pages and items of a paged operation: one request at a time through the client's pipeline (auth,
/// rate limits, retries), each built afresh by the operation and advanced as its <see cref="ConnectorPagination"/> says.
/// </summary>
/// <remarks>
/// Enumeration ends at the first of: an empty page; a has-more flag that is not <c>true</c>; the total reached; no next
/// cursor or link (or the same one again); a page shorter than the page size sent; <see cref="ConnectorPagingOptions.MaxPages"/>
/// pages or <see cref="ConnectorPagingOptions.MaxItems"/> items. A next-page URL on another origin than the base
/// address is refused with <see cref="InvalidOperationException"/>: credentials are never sent to another host.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorPaging
{
    private const string ReflectionMessage =
        "Deserializes with reflection-based System.Text.Json; use the JsonTypeInfo overload for trimmed or AOT apps.";

    /// <summary>Enumerates every page as a raw response with its typed body.</summary>
    /// <typeparam name="TPage">The response type of one page.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the requests.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="pagination">The operation's paginator.</param>
    /// <param name="request">Builds the operation's request as the caller gave it; called once per page.</param>
    /// <param name="paging">Guards of this enumeration, or null for the defaults.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    /// <returns>The pages, requested as they are enumerated.</returns>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static IAsyncEnumerable<ConnectorResponse<TPage>> PagesAsync<TPage>(
        HttpClient http,
        Uri baseAddress,
        ConnectorPagination pagination,
        Func<ConnectorRequest> request,
        ConnectorPagingOptions? paging,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        PagesAsync(
            http,
            baseAddress,
            pagination,
            request,
            (JsonTypeInfo<TPage>)ConnectorJson.Options.GetTypeInfo(typeof(TPage)),
            paging,
            errorMapper,
            ct
        );

    /// <summary>Enumerates every page as a raw response with its body deserialized with the given contract.</summary>
    /// <typeparam name="TPage">The response type of one page.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the requests.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="pagination">The operation's paginator.</param>
    /// <param name="request">Builds the operation's request as the caller gave it; called once per page.</param>
    /// <param name="pageType">The page type's JSON contract.</param>
    /// <param name="paging">Guards of this enumeration, or null for the defaults.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    /// <returns>The pages, requested as they are enumerated.</returns>
    public static async IAsyncEnumerable<ConnectorResponse<TPage>> PagesAsync<TPage>(
        HttpClient http,
        Uri baseAddress,
        ConnectorPagination pagination,
        Func<ConnectorRequest> request,
        JsonTypeInfo<TPage> pageType,
        ConnectorPagingOptions? paging,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(pageType);
        await foreach (var page in PagesCoreAsync(http, baseAddress, pagination, request, paging, errorMapper, ct).ConfigureAwait(false))
        {
            var body = page.Root is { } root ? root.Deserialize(pageType)! : default!;
            yield return new ConnectorResponse<TPage>(page.Head, body);
        }
    }

    /// <summary>Enumerates every item of every page.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the requests.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="pagination">The operation's paginator.</param>
    /// <param name="request">Builds the operation's request as the caller gave it; called once per page.</param>
    /// <param name="paging">Guards of this enumeration, or null for the defaults.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    /// <returns>The items, pages requested as they are needed.</returns>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static IAsyncEnumerable<TItem> ItemsAsync<TItem>(
        HttpClient http,
        Uri baseAddress,
        ConnectorPagination pagination,
        Func<ConnectorRequest> request,
        ConnectorPagingOptions? paging,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        CancellationToken ct
    ) =>
        ItemsAsync(
            http,
            baseAddress,
            pagination,
            request,
            (JsonTypeInfo<TItem>)ConnectorJson.Options.GetTypeInfo(typeof(TItem)),
            paging,
            errorMapper,
            ct
        );

    /// <summary>Enumerates every item of every page, deserialized with the given contract.</summary>
    /// <typeparam name="TItem">The item type.</typeparam>
    /// <param name="http">The client whose handler pipeline sends the requests.</param>
    /// <param name="baseAddress">The connection's base address.</param>
    /// <param name="pagination">The operation's paginator.</param>
    /// <param name="request">Builds the operation's request as the caller gave it; called once per page.</param>
    /// <param name="itemType">The item type's JSON contract.</param>
    /// <param name="paging">Guards of this enumeration, or null for the defaults.</param>
    /// <param name="errorMapper">Returns the exception to throw for a non-success response, or null for the untyped one.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    /// <returns>The items, pages requested as they are needed.</returns>
    public static async IAsyncEnumerable<TItem> ItemsAsync<TItem>(
        HttpClient http,
        Uri baseAddress,
        ConnectorPagination pagination,
        Func<ConnectorRequest> request,
        JsonTypeInfo<TItem> itemType,
        ConnectorPagingOptions? paging,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(itemType);
        var left = paging?.MaxItems ?? long.MaxValue;
        await foreach (var page in PagesCoreAsync(http, baseAddress, pagination, request, paging, errorMapper, ct).ConfigureAwait(false))
        {
            if (page.Items is not { } items)
            {
                continue;
            }

            foreach (var item in items.EnumerateArray())
            {
                if (left-- <= 0)
                {
                    yield break;
                }

                yield return item.Deserialize(itemType)!;
            }
        }
    }

    private readonly record struct Page(ConnectorResponse Head, JsonElement? Root, JsonElement? Items);

    private static async IAsyncEnumerable<Page> PagesCoreAsync(
        HttpClient http,
        Uri baseAddress,
        ConnectorPagination pagination,
        Func<ConnectorRequest> build,
        ConnectorPagingOptions? paging,
        Func<ConnectorApiException, ConnectorApiException?>? errorMapper,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(pagination);
        ArgumentNullException.ThrowIfNull(build);
        var maxPages = paging?.MaxPages ?? 1000;
        var maxItems = paging?.MaxItems ?? long.MaxValue;
        var inBody = pagination.ParametersInBody;
        var numberParameter = pagination.Style == ConnectorPagingStyle.Offset ? pagination.OffsetParameter : pagination.PageParameter;
        string? cursor = null;
        var cursorIsNumber = false;
        Uri? next = null;
        long number = 0;
        long? limit = null;
        long seen = 0;
        for (var index = 0; index < maxPages && seen < maxItems; index++)
        {
            ct.ThrowIfCancellationRequested();
            var request = build();
            if (index == 0)
            {
                number =
                    Integer(numberParameter is null ? null : request.PageParameter(numberParameter, inBody))
                    ?? pagination.Start
                    ?? (pagination.Style == ConnectorPagingStyle.Page ? 1 : 0);
                limit = Integer(pagination.LimitParameter is { } l ? request.PageParameter(l, inBody) : null);
            }
            else
            {
                switch (pagination.Style)
                {
                    case ConnectorPagingStyle.Cursor:
                        request.SetPageParameter(pagination.CursorParameter!, cursor!, inBody, cursorIsNumber);
                        break;
                    case ConnectorPagingStyle.NextUrl:
                    case ConnectorPagingStyle.LinkHeader:
                        request.PageTarget = next;
                        break;
                    default:
                        request.SetPageParameter(numberParameter!, number.ToString(CultureInfo.InvariantCulture), inBody, isNumber: true);
                        break;
                }
            }

            var (head, body) = await ConnectorHttp.SendForBytesAsync(http, baseAddress, request, errorMapper, ct).ConfigureAwait(false);
            using var document = ConnectorHttp.IsBlank(body) ? null : JsonDocument.Parse(body);
            var root = document?.RootElement;
            JsonElement? items =
                root is { } r && JsonPointer.TryEvaluate(r, pagination.Items, out var found) && found.ValueKind == JsonValueKind.Array
                    ? found
                    : null;
            var count = items?.GetArrayLength() ?? 0;
            yield return new Page(head, root, items);

            seen += count;
            if (count == 0 || root is not { } page || !HasMore(pagination, page) || TotalReached(pagination, page, number, count, seen))
            {
                yield break;
            }

            switch (pagination.Style)
            {
                case ConnectorPagingStyle.Cursor:
                    var source = pagination.LastItemCursor is { } inItem ? (items!.Value[count - 1], inItem) : (page, pagination.Cursor);
                    var value = JsonPointer.Text(source.Item1, source.Item2);
                    if (value is null || value == cursor)
                    {
                        yield break;
                    }

                    cursorIsNumber =
                        JsonPointer.TryEvaluate(source.Item1, source.Item2 ?? "", out var v) && v.ValueKind == JsonValueKind.Number;
                    cursor = value;
                    break;
                case ConnectorPagingStyle.NextUrl:
                    var text = JsonPointer.Text(page, pagination.NextUrl);
                    if (text is null || !Uri.TryCreate(head.FullRequestUri, text, out var url) || url == head.FullRequestUri)
                    {
                        yield break;
                    }

                    next = SameOrigin(url, baseAddress);
                    break;
                case ConnectorPagingStyle.LinkHeader:
                    if (!head.Links.TryGetValue("next", out var link) || link == head.FullRequestUri)
                    {
                        yield break;
                    }

                    next = SameOrigin(link, baseAddress);
                    break;
                default:
                    if (limit is { } size && count < size)
                    {
                        yield break;
                    }

                    number += pagination.Style == ConnectorPagingStyle.Offset ? count : 1;
                    break;
            }
        }
    }

    private static bool HasMore(ConnectorPagination pagination, JsonElement page) =>
        pagination.HasMore is not { } pointer
        || (JsonPointer.TryEvaluate(page, pointer, out var flag) && flag.ValueKind == JsonValueKind.True);

    private static bool TotalReached(ConnectorPagination pagination, JsonElement page, long number, int count, long seen) =>
        Integer(JsonPointer.Text(page, pagination.Total)) is { } total
        && (pagination.Style == ConnectorPagingStyle.Offset ? number + count >= total : seen >= total);

    private static long? Integer(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static Uri SameOrigin(Uri next, Uri baseAddress)
    {
        if (
            !string.Equals(next.Scheme, baseAddress.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(next.IdnHost, baseAddress.IdnHost, StringComparison.OrdinalIgnoreCase)
            || next.Port != baseAddress.Port
        )
        {
            throw new InvalidOperationException(
                "The next page's URL is on another origin ("
                    + next.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)
                    + ") than the connection's base address; it is not followed, so credentials are not sent there."
            );
        }

        return next;
    }
}
