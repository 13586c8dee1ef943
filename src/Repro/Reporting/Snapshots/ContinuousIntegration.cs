namespace Repro.Reporting.Snapshots;

/// <summary>
/// Whether this process runs under CI. Follows the convention of GitHub Actions, GitLab and most runners, which set
/// <c>CI=true</c>: any value other than empty, "false" or "0" counts, so an unusual value errs on the side of refusing.
/// </summary>
internal static class ContinuousIntegration
{
    public const string Variable = "CI";

    public static bool IsActive
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            return !string.IsNullOrWhiteSpace(value)
                   && !value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase)
                   && value.Trim() != "0";
        }
    }
}
