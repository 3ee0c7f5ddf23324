using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace TypedConnectors.Testing;

/// <summary>
/// Compares text with <c>_snapshots/&lt;name&gt;.verified.cs</c> next to the calling test file. On mismatch writes
/// <c>.received.cs</c> and fails; set TYPEDCONNECTORS_ACCEPT_SNAPSHOTS=1 to accept the received text instead.
/// </summary>
public static partial class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "_snapshots");
        Directory.CreateDirectory(directory);
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        var normalized = Normalize(actual);
        var accept = Environment.GetEnvironmentVariable("TYPEDCONNECTORS_ACCEPT_SNAPSHOTS") == "1";
        if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == normalized)
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        if (accept)
        {
            File.WriteAllText(verified, normalized);
            return;
        }

        File.WriteAllText(received, normalized);
        throw new Xunit.Sdk.XunitException(
            "Snapshot "
                + name
                + " does not match "
                + verified
                + ". Compare with "
                + received
                + " and, if the change is intended, rerun with TYPEDCONNECTORS_ACCEPT_SNAPSHOTS=1."
        );
    }

    /// <summary>Line endings and the generator's version are not part of a snapshot.</summary>
    public static string Normalize(string text) =>
        VersionPattern()
            .Replace(text.Replace("\r\n", "\n").Replace('\r', '\n'), "GeneratedCode(\"TypedConnectors.Generator\", \"VERSION\")")
            .TrimEnd() + "\n";

    [GeneratedRegex("GeneratedCode\\(\"TypedConnectors\\.Generator\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
