namespace TypedConnectors.Generator.Reading;

/// <summary>
/// The YAML 1.2 core schema's scalar forms, matched by hand: every plain scalar of a YAML document is tested against
/// them, where regular expressions ran interpreted. Each matcher accepts exactly what the anchored pattern in its
/// comment matches with .NET's <c>$</c>, which also matches before one final <c>\n</c>.
/// </summary>
internal static class CoreSchema
{
    /// <summary><c>^(?:~|null|Null|NULL)$</c></summary>
    public static bool IsNull(string value) =>
        Body(value) is var n && (Is(value, n, "~") || Is(value, n, "null") || Is(value, n, "Null") || Is(value, n, "NULL"));

    /// <summary><c>^(?:true|True|TRUE|false|False|FALSE)$</c></summary>
    public static bool IsBool(string value)
    {
        var n = Body(value);
        return Is(value, n, "true")
            || Is(value, n, "True")
            || Is(value, n, "TRUE")
            || Is(value, n, "false")
            || Is(value, n, "False")
            || Is(value, n, "FALSE");
    }

    /// <summary><c>^[-+]?[0-9]+$</c></summary>
    public static bool IsInt(string value)
    {
        var n = Body(value);
        var i = 0;
        if (i < n && value[i] is '-' or '+')
        {
            i++;
        }

        return Digits(value, ref i, n) > 0 && i == n;
    }

    /// <summary><c>^0o[0-7]+$</c></summary>
    public static bool IsOctal(string value)
    {
        var n = Body(value);
        if (n < 3 || value[0] != '0' || value[1] != 'o')
        {
            return false;
        }

        for (var i = 2; i < n; i++)
        {
            if (value[i] is not (>= '0' and <= '7'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>^0x[0-9a-fA-F]+$</c></summary>
    public static bool IsHex(string value)
    {
        var n = Body(value);
        if (n < 3 || value[0] != '0' || value[1] != 'x')
        {
            return false;
        }

        for (var i = 2; i < n; i++)
        {
            if (value[i] is not (>= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$</c></summary>
    public static bool IsFloat(string value)
    {
        var n = Body(value);
        var i = 0;
        if (i < n && value[i] is '-' or '+')
        {
            i++;
        }

        if (i < n && value[i] == '.')
        {
            i++;
            if (Digits(value, ref i, n) == 0)
            {
                return false;
            }
        }
        else
        {
            if (Digits(value, ref i, n) == 0)
            {
                return false;
            }

            if (i < n && value[i] == '.')
            {
                i++;
                Digits(value, ref i, n);
            }
        }

        return Exponent(value, ref i, n) && i == n;
    }

    /// <summary><c>^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$</c></summary>
    public static bool IsJsonNumber(string value)
    {
        var n = Body(value);
        var i = 0;
        if (i < n && value[i] == '-')
        {
            i++;
        }

        if (i < n && value[i] == '0')
        {
            i++;
        }
        else if (i < n && value[i] is >= '1' and <= '9')
        {
            Digits(value, ref i, n);
        }
        else
        {
            return false;
        }

        if (i < n && value[i] == '.')
        {
            i++;
            if (Digits(value, ref i, n) == 0)
            {
                return false;
            }
        }

        return Exponent(value, ref i, n) && i == n;
    }

    /// <summary>An optional <c>[eE][-+]?[0-9]+</c> at <paramref name="i"/>; false when it starts but is incomplete.</summary>
    private static bool Exponent(string value, ref int i, int n)
    {
        if (i < n && value[i] is 'e' or 'E')
        {
            i++;
            if (i < n && value[i] is '-' or '+')
            {
                i++;
            }

            return Digits(value, ref i, n) > 0;
        }

        return true;
    }

    private static int Digits(string value, ref int i, int n)
    {
        var start = i;
        while (i < n && value[i] is >= '0' and <= '9')
        {
            i++;
        }

        return i - start;
    }

    /// <summary>The length that must match: all of the value, less one final <c>\n</c> (which <c>$</c> also accepts).</summary>
    private static int Body(string value) => value.Length > 0 && value[value.Length - 1] == '\n' ? value.Length - 1 : value.Length;

    private static bool Is(string value, int length, string literal) =>
        length == literal.Length && string.CompareOrdinal(value, 0, literal, 0, length) == 0;
}
