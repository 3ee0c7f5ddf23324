using TypedConnectors.Testing;

namespace TypedConnectors.Generator.Tests;

internal static class TestFiles
{
    public static InputFile Connector(string name) =>
        new("/project/Connectors/" + name, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Connectors", name)));
}
