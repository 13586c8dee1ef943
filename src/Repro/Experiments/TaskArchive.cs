using System.Formats.Tar;
using System.IO.Compression;

namespace Repro.Experiments;

/// <summary>
/// A finished task's folder as one file that travels (<c>repro study pack/unpack --task ID</c>): its outputs and its
/// manifest, paths relative to artifacts/PROFILE (the task's id is its folder), gzip-compressed tar. Tasks nested
/// in its folder and the started marker stay behind. Unpacking checks the outputs against the manifest's content
/// hash before anything is put in place, and whether the task is then up to date on this machine is what its
/// manifest says against this machine's code, settings and inputs (<c>repro study tasks</c>).
/// </summary>
public static class TaskArchive
{
    public static void Pack(StudyPlan plan, string taskId, string archive)
    {
        var task = plan.Task(taskId);
        var dir = plan.Dir(task);
        var manifest = Manifest.Read(dir) ?? throw new InvalidOperationException($"task '{taskId}' has not finished: no manifest in {dir}");
        var nested = plan.NestedIn(task);
        if (ContentHash.OfFolder(dir, nested) != manifest.Outputs)
            throw new InvalidDataException($"{dir}: the outputs differ from what its manifest recorded (edited since?); rerun the task before packing it");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(archive))!);
        var temp = archive + ".tmp";
        using (var file = File.Create(temp))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var relative in ContentHash.Files(dir, nested).Append(Manifest.FileName))
                tar.WriteEntry(Path.Combine(dir, relative), $"{task.Id}/{relative}");
        File.Move(temp, archive, overwrite: true);
    }

    /// <summary>Puts a packed task in its folder, replacing what was there; returns its id.</summary>
    public static string Unpack(StudyPlan plan, string archive, string? expectedTaskId = null)
    {
        if (!File.Exists(archive)) throw new FileNotFoundException($"{archive} does not exist", archive);
        var staging = Path.Combine(plan.Context.ArtifactsDir, $".unpack-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            using (var file = File.OpenRead(archive))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, staging, overwriteFiles: false);
            var top = Directory.EnumerateFiles(staging, Manifest.FileName, SearchOption.AllDirectories)
                .Select(m => Path.GetRelativePath(staging, Path.GetDirectoryName(m)!).Replace(Path.DirectorySeparatorChar, '/'))
                .OrderBy(p => p.Length).FirstOrDefault() ?? throw new InvalidDataException($"{archive}: no {Manifest.FileName} inside: not a packed task");
            var manifest = Manifest.Read(Path.Combine(staging, top)) ?? throw new InvalidDataException($"{archive}: its manifest is unreadable");
            if (manifest.Task != top) throw new InvalidDataException($"{archive}: the manifest is of task '{manifest.Task}' but sits in '{top}'");
            if (expectedTaskId is not null && manifest.Task != expectedTaskId)
                throw new InvalidDataException($"{archive}: holds task '{manifest.Task}', not '{expectedTaskId}'");
            var task = plan.Task(manifest.Task);
            var from = Path.Combine(staging, top);
            if (ContentHash.OfFolder(from) != manifest.Outputs)
                throw new InvalidDataException($"{archive}: the outputs of '{task.Id}' do not match their manifest (a damaged or edited archive)");
            var dir = plan.Dir(task);
            TaskFolder.Clear(dir, plan.NestedIn(task));
            Directory.CreateDirectory(dir);
            foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != Manifest.FileName))
            {
                var target = Path.Combine(dir, Path.GetRelativePath(from, f));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(f, target, overwrite: true);
            }
            File.Move(Path.Combine(from, Manifest.FileName), Path.Combine(dir, Manifest.FileName), overwrite: true); // last: the task counts as finished
            plan.Invalidate();
            return task.Id;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
