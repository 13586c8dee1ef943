using Repro.Experiments.Claims;
using Repro.Reporting.Tables;

namespace Repro.Experiments.Stages;

/// <summary>
/// The layer × layer CKA maps (Figs 7–10) as a result table small enough to snapshot: each map's mean over every
/// pair of blocks of layers. The blocks are the paper's (0–12, 14–37, 42–61, 62–74, 75–84, 85–96, 97–106, claim C15)
/// with the layers between them added to the block before (0–13, 14–41, …), so they cover the network: a map that
/// moved anywhere moves a block mean. 49 numbers per map instead of 107², so a wiring or arithmetic change in the maps fails a snapshot check.
/// </summary>
internal static class MapBlocksTable
{
    public const string Name = "cka-map-blocks";

    public static readonly IReadOnlyList<(string Name, int First, int Last)> Blocks =
        [("0-13", 0, 13), ("14-41", 14, 41), ("42-61", 42, 61), ("62-74", 62, 74), ("75-84", 75, 84), ("85-96", 85, 96), ("97-106", 97, 106)];

    public static ResultTable Of(IReadOnlyList<LayerMatrix> maps)
    {
        var table = new ResultTable(Name, "model_a", "seed_a", "model_b", "seed_b", "size", "block_a", "block_b", "mean");
        foreach (var map in maps)
            foreach (var a in Blocks)
                foreach (var b in Blocks)
                    table.AddRow(map.ModelA, map.SeedA, map.ModelB, map.SeedB, map.Size, a.Name, b.Name, Mean(map.Cka, a, b));
        return table;
    }

    private static double Mean(double[,] cka, (string Name, int First, int Last) a, (string Name, int First, int Last) b)
    {
        var sum = 0.0;
        for (var i = a.First; i <= a.Last; i++)
            for (var j = b.First; j <= b.Last; j++)
                sum += cka[i, j];
        return sum / ((a.Last - a.First + 1) * (b.Last - b.First + 1));
    }
}
