using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Keeps the received files of a perturbed run (a calibration variant, a mutant of the Mutants target) away from
/// the verified snapshots: `snapshot accept` promotes every received file in expected-results/PROFILE, and it must
/// never pick up a table of a study that does not learn. While the guard is open, received files already there are
/// held aside; when it closes, the new ones move to the run's own folder and the held ones come back.
/// </summary>
internal sealed class ReceivedFilesGuard : IDisposable
{
    private const string Pattern = "*.received.*";
    private readonly string snapshots;
    private readonly string destination;
    private readonly string held;
    private readonly BuildContext context;

    public ReceivedFilesGuard(string snapshots, string destination, BuildContext context)
    {
        this.snapshots = snapshots;
        this.destination = destination;
        this.context = context;
        held = Path.Combine(Path.GetTempPath(), $"repro-received-{Guid.NewGuid():N}");
        Directory.CreateDirectory(held);
        foreach (var file in Received(snapshots)) File.Move(file, Path.Combine(held, Path.GetFileName(file)));
    }

    public void Dispose()
    {
        var moved = Received(snapshots).ToList();
        if (moved.Count > 0)
        {
            if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
            Directory.CreateDirectory(destination);
            foreach (var file in moved) File.Move(file, Path.Combine(destination, Path.GetFileName(file)));
            context.Info($"received files of this run: {destination}");
        }
        foreach (var file in Received(held)) File.Move(file, Path.Combine(snapshots, Path.GetFileName(file)));
        Directory.Delete(held, recursive: true);
    }

    private static IEnumerable<string> Received(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, Pattern) : [];
}
