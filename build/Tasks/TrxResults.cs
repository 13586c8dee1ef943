using System.Xml.Linq;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>The test results file (VSTest's .trx) of a dotnet test run: which tests failed, by name.</summary>
internal static class TrxResults
{
    public static IReadOnlyList<string> Failed(string path) => FailedWithMessages(path).Select(f => f.Test).ToList();

    /// <summary>The failed tests with the first line of each failure message (what the check saw).</summary>
    public static IReadOnlyList<(string Test, string Message)> FailedWithMessages(string path)
    {
        // No file means the test run itself broke (a build or discovery error): that is no verdict on the study.
        if (!File.Exists(path)) throw new BuildFailedException($"the test run wrote no results ({path}): see its output above");
        var results = XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "UnitTestResult").ToList();
        if (results.Count == 0) throw new BuildFailedException($"{path}: no test ran (is the filter right?)");
        return results.Where(e => (string?)e.Attribute("outcome") == "Failed")
            .Select(e => ((string?)e.Attribute("testName") ?? "(unnamed test)", FirstLine(e)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static string FirstLine(XElement result)
    {
        var message = result.Descendants().FirstOrDefault(d => d.Name.LocalName == "Message")?.Value ?? "";
        return message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
    }
}
