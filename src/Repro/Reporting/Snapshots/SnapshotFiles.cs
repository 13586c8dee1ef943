using System.Text.RegularExpressions;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// Verify's file naming: <c>&lt;name&gt;.verified.&lt;ext&gt;</c> is committed, <c>&lt;name&gt;.received.&lt;ext&gt;</c> is
/// what the last failing check produced (git-ignored by the pattern <c>*.received.*</c>).
/// </summary>
internal static partial class SnapshotFiles
{
    public const string Verified = ".verified";
    public const string Received = ".received";

    /// <summary>Extensions compared as tables (with tolerances) and as text.</summary>
    public static readonly IReadOnlySet<string> TableExtensions = new HashSet<string>(StringComparer.Ordinal) { ".csv" };
    public static readonly IReadOnlySet<string> TextExtensions = new HashSet<string>(StringComparer.Ordinal) { ".md" };

    public static bool IsSupported(string extension) => TableExtensions.Contains(extension) || TextExtensions.Contains(extension);

    /// <summary>Snapshot names are plain file-name stems, so that a name can never reach outside the profile's folder.</summary>
    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name) || name.EndsWith(Verified, StringComparison.Ordinal) || name.EndsWith(Received, StringComparison.Ordinal))
            throw new ArgumentException($"Snapshot name '{name}' is not allowed: use letters, digits, '.', '_' and '-' (not starting with '.', not ending in .verified/.received).", nameof(name));
    }

    public static void ValidateProfile(string profile)
    {
        if (!NamePattern().IsMatch(profile)) throw new ArgumentException($"Profile name '{profile}' is not allowed: use letters, digits, '.', '_' and '-'.", nameof(profile));
    }

    public static void ValidateExtension(string extension)
    {
        if (!IsSupported(extension))
            throw new ArgumentException($"Snapshots of '{extension}' files are not supported (supported: {string.Join(", ", TableExtensions.Concat(TextExtensions))}).", nameof(extension));
    }

    public static string VerifiedFile(string name, string extension) => name + Verified + extension;

    public static string ReceivedFile(string name, string extension) => name + Received + extension;

    /// <summary>"table5.verified.csv" → "table5"; "table5.csv" → "table5".</summary>
    public static string NameOf(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        foreach (var suffix in new[] { Verified, Received })
            if (stem.EndsWith(suffix, StringComparison.Ordinal)) return stem[..^suffix.Length];
        return stem;
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
