namespace Repro.Reporting.Snapshots;

/// <summary>
/// Line diff of two texts (longest common subsequence), line ends normalised so that a checkout with CRLF line
/// ends still matches. Snapshot texts are report tables of at most a few hundred lines, so the quadratic table is small.
/// </summary>
internal static class TextComparer
{
    // Beyond this many cells in the LCS table, fall back to comparing line by line at equal positions.
    private const long MaxTableCells = 4_000_000;

    public static TextComparison Compare(string obtained, string expected)
    {
        var o = SplitLines(obtained);
        var e = SplitLines(expected);
        // Common prefix and suffix are cheap to skip and keep the quadratic part to the changed region.
        var start = 0;
        while (start < o.Length && start < e.Length && o[start] == e[start]) start++;
        var endO = o.Length;
        var endE = e.Length;
        while (endO > start && endE > start && o[endO - 1] == e[endE - 1]) { endO--; endE--; }

        var lines = (long)(endO - start) * (endE - start) <= MaxTableCells
            ? Lcs(o, e, start, endO, endE)
            : Positional(o, e, start, endO, endE);
        return new TextComparison(lines);
    }

    public static string[] SplitLines(string text)
    {
        var normalised = text.Replace("\r\n", "\n").Replace('\r', '\n');
        if (normalised.EndsWith('\n')) normalised = normalised[..^1];
        return normalised.Length == 0 ? Array.Empty<string>() : normalised.Split('\n');
    }

    private static List<LineDifference> Lcs(string[] o, string[] e, int start, int endO, int endE)
    {
        var n = endE - start;
        var m = endO - start;
        // length[i, j]: LCS of e[start+i..] and o[start+j..].
        var length = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
            for (var j = m - 1; j >= 0; j--)
                length[i, j] = e[start + i] == o[start + j] ? length[i + 1, j + 1] + 1 : Math.Max(length[i + 1, j], length[i, j + 1]);
        // Within each run of changes (between two common lines) removals are listed before additions, as diff tools do.
        var result = new List<LineDifference>();
        var removed = new List<LineDifference>();
        var added = new List<LineDifference>();
        void Flush()
        {
            result.AddRange(removed);
            result.AddRange(added);
            removed.Clear();
            added.Clear();
        }
        int a = 0, b = 0;
        while (a < n || b < m)
        {
            if (a < n && b < m && e[start + a] == o[start + b]) { Flush(); a++; b++; }
            else if (b < m && (a == n || length[a, b + 1] >= length[a + 1, b])) { added.Add(new LineDifference(false, start + b + 1, o[start + b])); b++; }
            else { removed.Add(new LineDifference(true, start + a + 1, e[start + a])); a++; }
        }
        Flush();
        return result;
    }

    private static List<LineDifference> Positional(string[] o, string[] e, int start, int endO, int endE)
    {
        var result = new List<LineDifference>();
        for (var i = start; i < Math.Max(endO, endE); i++)
        {
            var hasE = i < endE;
            var hasO = i < endO;
            if (hasE && hasO && e[i] == o[i]) continue;
            if (hasE) result.Add(new LineDifference(true, i + 1, e[i]));
            if (hasO) result.Add(new LineDifference(false, i + 1, o[i]));
        }
        return result;
    }
}
