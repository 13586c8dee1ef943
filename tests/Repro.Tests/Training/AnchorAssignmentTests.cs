using Repro.Data;
using Repro.Models;
using Repro.Training;

namespace Repro.Tests.Training;

/// <summary>YOLOv3's nine anchors on a 416 input: heads 82 (13², anchors 6–8), 94 (26², 3–5), 106 (52², 0–2).</summary>
public class AnchorAssignmentTests
{
    private static readonly YoloHeadSpec[] Heads =
    [
        new(82, [(116f, 90f), (156f, 198f), (373f, 326f)], 5, 0.7),
        new(94, [(30f, 61f), (62f, 45f), (59f, 119f)], 5, 0.7),
        new(106, [(10f, 13f), (16f, 30f), (33f, 23f)], 5, 0.7),
    ];
    private static readonly (int, int)[] Grids = [(13, 13), (26, 26), (52, 52)];

    private static AnchorMatch Assign(float cx, float cy, float w, float h) =>
        AnchorAssignment.Assign(new BoundingBox(CommonClass.Car, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), Heads, Grids, 416, 416);

    [Test]
    public void ABoxTheShapeOfAnAnchorGoesToThatAnchorAndItsCell()
    {
        // 10 × 13 is anchor 0 exactly: the 52 × 52 head (stride 8). Centre (100, 200) → cell (12, 25), offset (0.5, 0).
        var m = Assign(100, 200, 10, 13);
        Assert.That((m.Head, m.Anchor, m.CellX, m.CellY), Is.EqualTo((2, 0, 12, 25)));
        Assert.That(new[] { m.OffsetX, m.OffsetY, m.LogWidth, m.LogHeight }, Is.EqualTo(new[] { 0.5, 0.0, 0.0, 0.0 }).Within(1e-6));

        var big = Assign(208, 208, 373, 326);
        Assert.That((big.Head, big.Anchor, big.CellX, big.CellY), Is.EqualTo((0, 2, 6, 6)));
    }

    [Test]
    public void TheBestShapeIouWinsAcrossScales()
    {
        // 100 × 100 against 116 × 90: 100·90 / (10000 + 10440 − 9000) = 0.787; next best 59 × 119:
        // 59·100 / (10000 + 7021 − 5900) = 0.531. So head 82, anchor 0; stride 32, centre (50, 70) → cell (1, 2).
        var m = Assign(50, 70, 100, 100);
        Assert.That((m.Head, m.Anchor, m.CellX, m.CellY), Is.EqualTo((0, 0, 1, 2)));
        Assert.That(m.LogWidth, Is.EqualTo(Math.Log(100.0 / 116)).Within(1e-6));
        Assert.That(m.LogHeight, Is.EqualTo(Math.Log(100.0 / 90)).Within(1e-6));

        // 20 × 100, tall and thin: 30 × 61 gives 20·61 / (2000 + 1830 − 1220) = 0.467, better than 59 × 119 (0.285)
        // and 16 × 30 (0.24). Head 94 (stride 16), anchor 0.
        var tall = Assign(40, 300, 20, 100);
        Assert.That((tall.Head, tall.Anchor, tall.CellX, tall.CellY), Is.EqualTo((1, 0, 2, 18)));

        // 64 × 44 is nearest 62 × 45: 62·44 / (2816 + 2790 − 2728) = 0.948. Head 94, anchor 1.
        var wide = Assign(300, 100, 64, 44);
        Assert.That((wide.Head, wide.Anchor), Is.EqualTo((1, 1)));
    }

    [Test]
    public void ACentreOnTheFarEdgeBelongsToTheLastCell()
    {
        var m = AnchorAssignment.Assign(new BoundingBox(CommonClass.Bus, 316, 316, 416, 416), Heads, Grids, 416, 416);
        // Centre (366, 366) / 32 = 11.44 → cell 11; a box ending at the edge with its centre at 416 would be cell 12.
        Assert.That((m.CellX, m.CellY), Is.EqualTo((11, 11)));
        var edge = AnchorAssignment.Assign(new BoundingBox(CommonClass.Bus, 410, 0, 422, 30), Heads, Grids, 416, 416);
        Assert.That(edge.CellX, Is.EqualTo(51));
        Assert.That(edge.OffsetX, Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void ShapeIouIsSymmetricAndOneForEqualShapes()
    {
        Assert.That(AnchorAssignment.ShapeIou(10, 20, 10, 20), Is.EqualTo(1.0));
        Assert.That(AnchorAssignment.ShapeIou(10, 20, 20, 10), Is.EqualTo(AnchorAssignment.ShapeIou(20, 10, 10, 20)));
        // 10 × 20 vs 20 × 10: intersection 100, union 300.
        Assert.That(AnchorAssignment.ShapeIou(10, 20, 20, 10), Is.EqualTo(1.0 / 3).Within(1e-12));
    }
}
