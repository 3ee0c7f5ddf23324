using System.ComponentModel;
using System.Globalization;

namespace TypedConnectors;

/// <summary>
/// Formats values as the invariant-culture wire text used in query strings, paths and headers.
/// </summary>
/// <remarks>
/// The thread's current culture must never leak into a request: <c>1.5.ToString()</c> is <c>1,5</c> in many locales.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ConnectorFormat
{
    /// <summary>Returns the string itself.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(string value) => value;

    /// <summary>Formats an integer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats an integer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a number with the shortest text that round-trips.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a number with the shortest text that round-trips.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Formats a decimal.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a Boolean as <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(bool value) => value ? "true" : "false";

    /// <summary>Formats a date and time in the round-trip ("O") format.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Formats a date and time in the round-trip ("O") format.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(DateTime value) => value.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Formats a date as <c>yyyy-MM-dd</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Formats a GUID with hyphens and no braces ("D").</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>Returns the URI exactly as it was given.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(Uri value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.OriginalString;
    }

    /// <summary>Formats bytes as standard base64.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    public static string ToString(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToBase64String(value);
    }

    /// <summary>Formats an optional value, or returns null so that the parameter is omitted.</summary>
    /// <typeparam name="T">A value type with an overload above, an enum, or any <see cref="IFormattable"/>.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The wire text, or null.</returns>
    public static string? ToStringOrNull<T>(T? value)
        where T : struct => value is null ? null : Format(value.Value);

    /// <summary>Formats any value by its runtime type with the rules above; null stays null.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text, or null.</returns>
    public static string? ToStringOrNull(object? value) => value is null ? null : Format(value);

    private static string Format(object value) =>
        value switch
        {
            string s => s,
            bool b => ToString(b),
            int i => ToString(i),
            long l => ToString(l),
            float f => ToString(f),
            double d => ToString(d),
            decimal m => ToString(m),
            DateTimeOffset dto => ToString(dto),
            DateTime dt => ToString(dt),
            DateOnly date => ToString(date),
            Guid g => ToString(g),
            Uri u => ToString(u),
            byte[] bytes => ToString(bytes),
            Enum e => e.ToString(),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
}
