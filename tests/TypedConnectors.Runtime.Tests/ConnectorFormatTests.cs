using System.Globalization;

namespace TypedConnectors.Tests;

public class ConnectorFormatTests
{
    [Fact]
    public void Values_are_formatted_with_the_invariant_culture_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("1.5", ConnectorFormat.ToString(1.5));
            Assert.Equal("1234567.89", ConnectorFormat.ToString(1234567.89m));
            Assert.Equal("-42", ConnectorFormat.ToString(-42));
            Assert.Equal("9007199254740993", ConnectorFormat.ToString(9007199254740993L));
            Assert.Equal("true", ConnectorFormat.ToString(true));
            Assert.Equal("false", ConnectorFormat.ToString(false));
            Assert.Equal("2024-02-29", ConnectorFormat.ToString(new DateOnly(2024, 2, 29)));
            Assert.Equal(
                "2024-02-29T13:14:15.0000000+01:00",
                ConnectorFormat.ToString(new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.FromHours(1)))
            );
            Assert.Equal(
                "6f9619ff-8b86-d011-b42d-00cf4fc964ff",
                ConnectorFormat.ToString(Guid.Parse("{6F9619FF-8B86-D011-B42D-00CF4FC964FF}"))
            );
            Assert.Equal("https://x.example.com/a b", ConnectorFormat.ToString(new Uri("https://x.example.com/a b")));
            Assert.Equal("AQID", ConnectorFormat.ToString(new byte[] { 1, 2, 3 }));
            Assert.Equal("0.1", ConnectorFormat.ToString(0.1));
            Assert.Null(ConnectorFormat.ToStringOrNull((int?)null));
            Assert.Equal("2.5", ConnectorFormat.ToStringOrNull((double?)2.5));
            Assert.Equal("true", ConnectorFormat.ToStringOrNull((bool?)true));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
