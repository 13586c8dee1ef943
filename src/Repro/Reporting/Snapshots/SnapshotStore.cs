using Repro.Reporting.Tables;
using Repro.Torch.IO;

namespace Repro.Reporting.Snapshots;

/// <summary>
/// Verified snapshots of result tables under <c>&lt;root&gt;/&lt;profile&gt;/</c> (root: <c>expected-results</c>), with Verify's
/// file contract and pytest-regressions' numeric tolerances:
/// a check compares what a run produced with <c>&lt;name&gt;.verified.&lt;ext&gt;</c>; on a mismatch (or when there is no
/// verified file) it writes <c>&lt;name&gt;.received.&lt;ext&gt;</c> beside it and reports only what differs; on a match it deletes
/// any stale received file. Nothing is accepted by a check: <see cref="Accept"/> is an explicit step, refused under CI.
/// </summary>
internal sealed class SnapshotStore
{
    public const string ToleranceFileName = "tolerances.json";

    public SnapshotStore(string root)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("The snapshot root folder is empty.", nameof(root));
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string ProfileDirectory(string profile)
    {
        SnapshotFiles.ValidateProfile(profile);
        return Path.Combine(Root, profile);
    }

    public string VerifiedPath(string profile, string name, string extension) => PathOf(profile, name, extension, SnapshotFiles.VerifiedFile);

    public string ReceivedPath(string profile, string name, string extension) => PathOf(profile, name, extension, SnapshotFiles.ReceivedFile);

    /// <summary>The profile's tolerance declarations (every table exact, by position, when the file is absent).</summary>
    public ToleranceFile Tolerances(string profile) => ToleranceFile.LoadOrEmpty(Path.Combine(ProfileDirectory(profile), ToleranceFileName));

    /// <summary>Checks a result table as CSV under the snapshot name <paramref name="name"/> (default: the table's name).</summary>
    public SnapshotResult Check(string profile, ResultTable table, string? name = null) => Check(profile, name ?? table.Name, ".csv", CsvTable.ToCsv(table));

    /// <summary>
    /// Checks produced text against <c>&lt;name&gt;.verified&lt;extension&gt;</c>: ".csv" as a table with the profile's tolerances,
    /// ".md" as text.
    /// </summary>
    public SnapshotResult Check(string profile, string name, string extension, string produced)
    {
        SnapshotFiles.ValidateName(name);
        SnapshotFiles.ValidateExtension(extension);
        var verified = VerifiedPath(profile, name, extension);
        var received = ReceivedPath(profile, name, extension);
        var fileName = name + extension;

        if (!File.Exists(verified))
        {
            AtomicFile.WriteAllText(received, produced);
            var pending = SnapshotFiles.TableExtensions.Contains(extension) ? Tolerances(profile).For(name).Pending : null;
            return new SnapshotResult(profile, fileName, pending is null ? SnapshotStatus.MissingVerified : SnapshotStatus.Pending, verified, received) { PendingReason = pending };
        }

        var expected = File.ReadAllText(verified);
        TableComparison? table = null;
        TextComparison? text = null;
        bool match;
        if (SnapshotFiles.TableExtensions.Contains(extension))
        {
            var tolerances = Tolerances(profile).For(name);
            table = TableComparer.Compare(CsvTable.Parse(produced, $"obtained {profile}/{fileName}"), CsvTable.Parse(expected, verified), tolerances);
            match = table.IsMatch;
        }
        else
        {
            text = TextComparer.Compare(produced, expected);
            match = text.IsMatch;
        }

        if (match)
        {
            if (File.Exists(received)) File.Delete(received);
            return new SnapshotResult(profile, fileName, SnapshotStatus.Match, verified, null, table, text);
        }
        AtomicFile.WriteAllText(received, produced);
        return new SnapshotResult(profile, fileName, SnapshotStatus.Mismatch, verified, received, table, text);
    }

    /// <summary>Checks a produced file (its name without extension is the snapshot name).</summary>
    public SnapshotResult CheckFile(string profile, string producedPath)
    {
        if (!File.Exists(producedPath)) throw new FileNotFoundException($"Produced file not found: {producedPath}", producedPath);
        return Check(profile, Path.GetFileNameWithoutExtension(producedPath), Path.GetExtension(producedPath), File.ReadAllText(producedPath));
    }

    /// <summary>
    /// Checks every .csv and .md file in <paramref name="producedDirectory"/>, and reports every verified snapshot of
    /// the profile that the run did not produce. Results are ordered by file name.
    /// </summary>
    public IReadOnlyList<SnapshotResult> CheckDirectory(string profile, string producedDirectory)
    {
        if (!Directory.Exists(producedDirectory)) throw new DirectoryNotFoundException($"No produced tables to check: folder not found: {Path.GetFullPath(producedDirectory)}");
        var produced = Directory.EnumerateFiles(producedDirectory)
            .Where(p => SnapshotFiles.IsSupported(Path.GetExtension(p)))
            .ToDictionary(p => Path.GetFileName(p), StringComparer.Ordinal);
        var results = produced.Values.Select(p => CheckFile(profile, p)).ToList();

        var directory = ProfileDirectory(profile);
        if (Directory.Exists(directory))
        {
            foreach (var verified in Directory.EnumerateFiles(directory, "*" + SnapshotFiles.Verified + ".*"))
            {
                var extension = Path.GetExtension(verified);
                var fileName = SnapshotFiles.NameOf(Path.GetFileName(verified)) + extension;
                if (SnapshotFiles.IsSupported(extension) && !produced.ContainsKey(fileName))
                    results.Add(new SnapshotResult(profile, fileName, SnapshotStatus.NotProduced, verified, null));
            }
        }
        return results.OrderBy(r => r.FileName, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Promotes received files to verified (each written atomically, then the received file removed): all of the
    /// profile's, or those of one snapshot name. Returns the verified paths written. Refused under CI.
    /// </summary>
    public IReadOnlyList<string> Accept(string profile, string? name = null)
    {
        if (ContinuousIntegration.IsActive)
            throw new SnapshotAcceptRefusedException(
                $"Refusing to accept snapshots: the environment variable {ContinuousIntegration.Variable} is set ({ContinuousIntegration.Variable}={Environment.GetEnvironmentVariable(ContinuousIntegration.Variable)}). "
                + "Snapshots are accepted by a person on their own machine, never by a CI run: download the received files, review them, and accept locally.");
        if (name is not null) SnapshotFiles.ValidateName(name);
        var directory = ProfileDirectory(profile);
        var pattern = (name ?? "*") + SnapshotFiles.Received + ".*";
        var received = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, pattern)
                .Where(p => SnapshotFiles.IsSupported(Path.GetExtension(p)))
                .Where(p => name is null || SnapshotFiles.NameOf(Path.GetFileName(p)) == name)
                .OrderBy(p => p, StringComparer.Ordinal).ToList()
            : new List<string>();
        if (name is not null && received.Count == 0)
            throw new FileNotFoundException($"Nothing to accept for snapshot '{name}': no {name}{SnapshotFiles.Received}.* in {directory}. Run the check first; it writes the received file when the output differs.");

        // Checked before anything is written: a refused accept leaves every verified file as it was.
        foreach (var path in received) RefuseOverCalibratedReference(profile, path);
        var accepted = new List<string>();
        foreach (var path in received)
        {
            var verified = VerifiedPath(profile, SnapshotFiles.NameOf(Path.GetFileName(path)), Path.GetExtension(path));
            AtomicFile.WriteAllBytes(verified, File.ReadAllBytes(path));
            File.Delete(path);
            accepted.Add(verified);
        }
        return accepted;
    }

    /// <summary>
    /// A verified table that is the mean of calibration runs (<see cref="GroupMeans.IsReduced"/>) has tolerances made
    /// for that mean (t·√(1 + 1/R)·s̃): one run's table in its place would make them too narrow by up to √2 / √(1 + 1/R).
    /// A change of what training produces is recorded by recalibrating, which writes a new mean.
    /// </summary>
    private void RefuseOverCalibratedReference(string profile, string receivedPath)
    {
        var extension = Path.GetExtension(receivedPath);
        if (!SnapshotFiles.TableExtensions.Contains(extension)) return;
        var name = SnapshotFiles.NameOf(Path.GetFileName(receivedPath));
        var verified = VerifiedPath(profile, name, extension);
        if (!File.Exists(verified)) return;
        var tolerances = Tolerances(profile).For(name);
        if (!GroupMeans.IsReduced(CsvTable.Parse(File.ReadAllText(verified), verified), tolerances)) return;
        throw new SnapshotAcceptRefusedException(
            $"Refusing to accept {Path.GetFileName(receivedPath)}: {verified} is the mean of the profile's calibration runs, and its tolerances were made for "
            + $"that mean, not for one run. Record a change of what training produces by recalibrating (./build.sh --target Calibrate --profile {profile}, "
            + "or `repro snapshot calibrate --kept …` with the runs in calibration/; docs/snapshots.md), which writes the new mean and its tolerances.");
    }

    private string PathOf(string profile, string name, string extension, Func<string, string, string> file)
    {
        SnapshotFiles.ValidateName(name);
        SnapshotFiles.ValidateExtension(extension);
        return Path.Combine(ProfileDirectory(profile), file(name, extension));
    }
}
