namespace TypedConnectors.Generator.Model;

// The pagination feature's model (Features/Pagination/PaginationFeature.cs); in the Model namespace, as every step reads it.

/// <summary>How an operation's next page is requested; the runtime's <c>ConnectorPagingStyle</c> has the same members.</summary>
internal enum PagingStyle
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
/// A declared (or inferred) paginator: how the next page is requested, where the items are and when to stop. Pointers
/// are RFC 6901 JSON pointers into the response body; parameters are wire names of the operation's parameters.
/// </summary>
internal sealed record PaginationSpec
{
    public required PagingStyle Style { get; init; }

    /// <summary>Pointer to the items array; empty when the body itself is the array.</summary>
    public string Items { get; init; } = "";

    /// <summary>Pointer to the next cursor in the response (cursor style).</summary>
    public string? Cursor { get; init; }

    /// <summary>Pointer inside the last item whose value is the next cursor (Stripe's <c>starting_after</c> = last id).</summary>
    public string? LastItemCursor { get; init; }

    /// <summary>The request parameter the cursor is sent in.</summary>
    public string? CursorParameter { get; init; }

    /// <summary>Pointer to the next page's URL (next_url style).</summary>
    public string? NextUrl { get; init; }

    public string? OffsetParameter { get; init; }
    public string? PageParameter { get; init; }

    /// <summary>The page-size parameter; a page shorter than the size sent is the last one.</summary>
    public string? LimitParameter { get; init; }

    /// <summary>The first offset (default 0) or page number (default 1) when the caller gives none.</summary>
    public long? Start { get; init; }

    /// <summary>Pointer to a Boolean that is false on the last page.</summary>
    public string? HasMore { get; init; }

    /// <summary>Pointer to the total number of items.</summary>
    public string? Total { get; init; }

    /// <summary>True when the generator inferred the paginator from an OpenAPI document's shape (not declared).</summary>
    public bool Inferred { get; init; }

    /// <summary>JSON pointer of the block in its source file, for located diagnostics.</summary>
    public string Pointer { get; init; } = "";

    /// <summary>The methods enumerating every item (<c>…AllAsync</c>) and every page (<c>…PagesAsync</c>); set by the binder.</summary>
    public string AllIdentifier { get; init; } = "";
    public string PagesIdentifier { get; init; } = "";
}
