using System.Diagnostics;

namespace Repro.Tests.Reporting;

/// <summary>
/// `repro snapshot check` judges a run's claims table as the Claims tests judge it: a verdict moving to or from
/// inconclusive within the tolerances passes, a flip between holds and does not hold fails, and so does a margin
/// outside its tolerance. Run through the CLI as a user runs it.
/// </summary>
public class SnapshotCheckCommandTests
{
    private string root = "";

    [SetUp]
    public void CreateFolders()
    {
        root = Directory.CreateTempSubdirectory("repro-check-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "expected", "ci"));
        Directory.CreateDirectory(Path.Combine(root, "tables"));
        File.WriteAllText(Path.Combine(root, "expected", "ci", "claims.verified.csv"),
            "id,verdict,value,lower,upper,control\nC01,holds,0.2,0.05,0.35,n/a\nC02,does not hold,-0.3,-0.5,-0.1,n/a\n");
        File.WriteAllText(Path.Combine(root, "expected", "ci", "tolerances.json"), """
            { "claims": { "keys": ["id"], "columns": { "value": { "absolute": 0.1 }, "lower": { "absolute": 0.1 }, "upper": { "absolute": 0.1 } } } }
            """);
    }

    [TearDown]
    public void DeleteFolders() => Directory.Delete(root, recursive: true);

    [Test]
    public void AMoveToInconclusiveWithinTheTolerancesPassesAndLeavesNoReceivedFile()
    {
        var (code, said) = Check("C01,inconclusive,0.15,-0.02,0.3,n/a\nC02,does not hold,-0.3,-0.5,-0.1,n/a\n");
        Assert.That(code, Is.Zero, said);
        Assert.That(said, Does.Contain("the claim rule"));
        Assert.That(File.Exists(Path.Combine(root, "expected", "ci", "claims.received.csv")), Is.False);
    }

    [Test]
    public void AFlipOrAMarginOutsideItsToleranceFailsNamingTheClaim()
    {
        var (flip, said) = Check("C01,does not hold,0.15,-0.02,0.3,n/a\nC02,does not hold,-0.3,-0.5,-0.1,n/a\n");
        Assert.That(flip, Is.EqualTo(1), said);
        Assert.That(said, Does.Contain("C01 flipped from 'holds' to 'does not hold'"));
        var (moved, said2) = Check("C01,holds,0.2,0.05,0.35,n/a\nC02,does not hold,-0.45,-0.5,-0.1,n/a\n");
        Assert.That(moved, Is.EqualTo(1), said2);
        Assert.That(said2, Does.Contain("C02's margin"));
    }

    private (int Code, string Said) Check(string claims)
    {
        File.WriteAllText(Path.Combine(root, "tables", "claims.csv"), "id,verdict,value,lower,upper,control\n" + claims);
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/CONFIGURATION/net10.0
        var cli = RepoPaths.Of("src", "Repro.Cli", "bin", configuration, "net10.0", "Repro.Cli.dll");
        Assert.That(File.Exists(cli), Is.True, $"{cli} is missing: build the solution (./build.sh --target Build) before the tests");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[cli, "snapshot", "check", "--profile", "ci", "--expected", Path.Combine(root, "expected"), "--produced", Path.Combine(root, "tables")])
            info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
