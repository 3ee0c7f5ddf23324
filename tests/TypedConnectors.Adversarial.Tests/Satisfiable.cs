using System.Globalization;

namespace TypedConnectors.Adversarial.Tests;

/// <summary>
/// Keeps generated schemas satisfiable: the numbers and names stay hostile (bounds beyond Int32, Int64, Decimal and
/// Double, empty and one-character limits), only contradictions go — a schema no value meets (minimum above maximum, no
/// integer between integer bounds, a bound beyond the range of the type its format names, a default or enum value the
/// schema itself rejects) is an invalid document, and an operation no call can satisfy cannot be checked.
/// </summary>
internal static class Satisfiable
{
    /// <summary>A number as written: exact when decimal holds it, else only its sign and size as a double.</summary>
    private readonly record struct Value(decimal? Exact, double Approximate)
    {
        public static Value Of(Num n) =>
            new(
                decimal.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
                double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture)
            );

        public static Value Of(decimal d) => new(d, (double)d);

        public int CompareTo(Value other) =>
            Exact is { } a && other.Exact is { } b ? a.CompareTo(b) : Approximate.CompareTo(other.Approximate);

        public bool IsInteger => Exact is { } d ? decimal.Truncate(d) == d : false;
    }

    /// <summary>The values the C# type of a number schema holds, as the generator chooses it from type and format.</summary>
    private static (Value Low, Value High, bool Integer) Range(Sch s) =>
        s.Format switch
        {
            "int32" => (Value.Of(int.MinValue), Value.Of(int.MaxValue), true),
            "int64" or "uint64" or "uint32" => (Value.Of(long.MinValue), Value.Of(long.MaxValue), true),
            "decimal" when s.Type == "number" => (Value.Of(decimal.MinValue), Value.Of(decimal.MaxValue), false),
            _ when s.Type == "integer" => (Value.Of(decimal.MinValue), Value.Of(decimal.MaxValue), true),
            _ => (new Value(null, -double.MaxValue), new Value(null, double.MaxValue), false),
        };

    public static Sch Numbers(Sch s)
    {
        var (typeLow, typeHigh, integer) = Range(s);
        if (s.Minimum is { } a && s.Maximum is { } b && Value.Of(a).CompareTo(Value.Of(b)) > 0)
        {
            s = s with { Minimum = b, Maximum = a, ExclusiveMinimum = s.ExclusiveMaximum, ExclusiveMaximum = s.ExclusiveMinimum };
        }

        if (s.Minimum is { } lo && s.Maximum is { } hi && Value.Of(lo).CompareTo(Value.Of(hi)) == 0)
        {
            s = s with { ExclusiveMinimum = false, ExclusiveMaximum = false };
        }

        // A bound above (below) every value of the type: no value of the type meets it.
        if (
            s.Minimum is { } min
            && Value.Of(min).CompareTo(typeHigh) >= 0
            && !(Value.Of(min).CompareTo(typeHigh) == 0 && !s.ExclusiveMinimum)
        )
        {
            s = s with { Minimum = null, ExclusiveMinimum = false };
        }

        if (
            s.Maximum is { } max
            && Value.Of(max).CompareTo(typeLow) <= 0
            && !(Value.Of(max).CompareTo(typeLow) == 0 && !s.ExclusiveMaximum)
        )
        {
            s = s with { Maximum = null, ExclusiveMaximum = false };
        }

        if (integer && s.Minimum is not null && s.Maximum is not null && !Meets(s, LowestInteger(s)))
        {
            // 1.5 ≤ n ≤ 1.5 and 0 < n < 1 hold no integer.
            s = s with
            {
                Maximum = null,
                ExclusiveMaximum = false,
            };
        }

        var allowed = s;
        bool Fits(object v) => v is Num n && Meets(allowed, Value.Of(n)) && (!integer || Value.Of(n).IsInteger) && InType(n);
        bool InType(Num n) => Value.Of(n).CompareTo(typeLow) >= 0 && Value.Of(n).CompareTo(typeHigh) <= 0;
        var values = s.Enum?.Where(Fits).ToList();
        s = s with { Enum = values is { Count: > 0 } ? values : null };
        if (s.Default is { } d && (!Fits(d) || (s.Enum is { } e && !e.Any(v => ((Num)v).Text == ((Num)d).Text))))
        {
            s = s with { Default = null };
        }

        return s;
    }

    /// <summary>The smallest integer the lower bound allows (the bound itself when there is none).</summary>
    private static Value LowestInteger(Sch s)
    {
        if (Value.Of(s.Minimum!).Exact is not { } low)
        {
            return Value.Of(s.Minimum!);
        }

        return Value.Of(s.ExclusiveMinimum ? decimal.Floor(low) + 1 : decimal.Ceiling(low));
    }

    private static bool Meets(Sch s, Value v)
    {
        if (s.Minimum is { } min && (s.ExclusiveMinimum ? v.CompareTo(Value.Of(min)) <= 0 : v.CompareTo(Value.Of(min)) < 0))
        {
            return false;
        }

        return s.Maximum is not { } max || (s.ExclusiveMaximum ? v.CompareTo(Value.Of(max)) < 0 : v.CompareTo(Value.Of(max)) <= 0);
    }

    /// <summary>
    /// A string schema some value meets: a length limit leaves room for the format's text and for an enum value; the
    /// default is one of the values the schema allows.
    /// </summary>
    public static Sch Strings(Sch s)
    {
        if (s.Format is not null && s.MaxLength is < 64)
        {
            // No UUID, date or URI is one character long.
            s = s with
            {
                MaxLength = null,
            };
        }

        if (s.Enum is { } values && s.MaxLength is { } max)
        {
            var fitting = values.Where(v => ((string)v).Length <= max).ToList();
            s = fitting.Count > 0 ? s with { Enum = fitting } : s with { MaxLength = null };
        }

        if (s.Default is string d)
        {
            var allowed = s.Enum is { } e ? e.Contains(d) : s.Format is null && d.Length <= (s.MaxLength ?? int.MaxValue);
            if (!allowed)
            {
                s = s with { Default = null };
            }
        }

        return s;
    }

    /// <summary>A path parameter's schema: a path segment value is never empty.</summary>
    public static Sch PathValue(Sch s)
    {
        if (s.MaxLength is 0)
        {
            s = s with { MaxLength = null };
        }

        if (s.Enum is { } values && s.Type == "string")
        {
            var nonEmpty = values.Where(v => ((string)v).Trim().Length > 0).ToList();
            s = s with { Enum = nonEmpty.Count > 0 ? nonEmpty : null, Default = s.Default is string d && nonEmpty.Contains(d) ? d : null };
        }

        return s;
    }
}
