using System.ComponentModel;

namespace TypedConnectors;

/// <summary>How a paged operation requests its next page.</summary>
public enum ConnectorPagingStyle
{
    /// <summary>A value of the response (or of its last item) is sent as a request parameter.</summary>
    Cursor,

    /// <summary>The response body holds the URL of the next page.</summary>
    NextUrl,

    /// <summary>An RFC 8288 <c>Link</c> header with <c>rel="next"</c> names the next page.</summary>
    LinkHeader,

    /// <summary>An offset parameter advances by the number of items received.</summary>
    Offset,

    /// <summary>A page-number parameter advances by one.</summary>
    Page,
}

/// <summary>
/// A paged operation's paginator as its definition declares it; generated clients create one per paged operation.
/// Pointers are RFC 6901 JSON pointers into the response body; parameter names are wire names.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ConnectorPagination
{
    /// <summary>Creates a paginator of a style.</summary>
    /// <param name="style">How the next page is requested.</param>
    public ConnectorPagination(ConnectorPagingStyle style) => Style = style;

    /// <summary>How the next page is requested.</summary>
    public ConnectorPagingStyle Style { get; }

    /// <summary>Pointer to the items array; empty when the body itself is the array.</summary>
    public string Items { get; init; } = "";

    /// <summary>Pointer to the next cursor in the response.</summary>
    public string? Cursor { get; init; }

    /// <summary>Pointer inside the last item of a page whose value is the next cursor.</summary>
    public string? LastItemCursor { get; init; }

    /// <summary>The request parameter the cursor is sent in.</summary>
    public string? CursorParameter { get; init; }

    /// <summary>Pointer to the URL of the next page.</summary>
    public string? NextUrl { get; init; }

    /// <summary>The offset request parameter.</summary>
    public string? OffsetParameter { get; init; }

    /// <summary>The page-number request parameter.</summary>
    public string? PageParameter { get; init; }

    /// <summary>The page-size request parameter; a page with fewer items than the size sent is the last.</summary>
    public string? LimitParameter { get; init; }

    /// <summary>The first offset (default 0) or page number (default 1) when the caller gives none.</summary>
    public long? Start { get; init; }

    /// <summary>Pointer to a Boolean that is false on the last page.</summary>
    public string? HasMore { get; init; }

    /// <summary>Pointer to the total number of items.</summary>
    public string? Total { get; init; }

    /// <summary>The paging parameters are fields of the JSON request body rather than query parameters.</summary>
    public bool ParametersInBody { get; init; }
}

/// <summary>Guards of one enumeration of a paged operation (<c>…AllAsync</c>, <c>…PagesAsync</c>).</summary>
public sealed class ConnectorPagingOptions
{
    /// <summary>The most pages requested; the enumeration ends after this many. Default 1000.</summary>
    public int MaxPages { get; set; } = 1000;

    /// <summary>The most items enumerated; null for no limit. The page that reaches it is the last requested.</summary>
    public long? MaxItems { get; set; }
}
