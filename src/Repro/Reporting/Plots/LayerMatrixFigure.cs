using ScottPlot;
using ScottPlot.TickGenerators;

namespace Repro.Reporting.Plots;

/// <summary>
/// Layer × layer CKA (the paper's Figs 7–10): cell (i, j) is layer i of the first model (rows, up the y axis from 0
/// at the bottom) against layer j of the second (columns, along x), so the diagonal rises to the right. Viridis over
/// a fixed 0 … 1 (maps of different runs compare by colour), NaN cells grey, a colour bar, and white lines where the
/// head begins.
/// </summary>
internal static class LayerMatrixFigure
{
    public const int Width = 780;
    public const int Height = 720;

    public static readonly Color BoundaryColour = Colors.White;

    public static Figure Create(string title, double[,] cka, string rowModel, string columnModel, int firstHeadLayer)
    {
        var (rows, columns) = (cka.GetLength(0), cka.GetLength(1));
        if (rows == 0 || columns == 0) throw new ArgumentException($"Figure '{title}' has no cells.");
        if (firstHeadLayer <= 0 || firstHeadLayer >= Math.Min(rows, columns))
            throw new ArgumentException($"Figure '{title}': the head starts at layer {firstHeadLayer}, not inside 1 … {Math.Min(rows, columns) - 1}.");

        var plot = FigureStyle.NewPlot(title, $"layer of {columnModel} (white lines: where the head begins)", $"layer of {rowModel}");
        // ScottPlot draws the first row of its array at the top, as an image: hand it the rows bottom-up, so row 0 (layer 0)
        // lies at the bottom, each cell centred on its layer numbers.
        var map = plot.Add.Heatmap(BottomUp(cka));
        map.Extent = new CoordinateRect(-0.5, columns - 0.5, -0.5, rows - 0.5);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        map.NaNCellColor = FigureStyle.Missing;
        // Cells as rectangles: a viewer scaling an embedded 107-pixel bitmap up would blur the cells into each other.
        map.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();

        var colourBar = plot.Add.ColorBar(map);
        colourBar.Label = "linear CKA";
        colourBar.LabelStyle.FontSize = FigureStyle.AxisLabelSize;
        colourBar.LabelStyle.Bold = false;
        colourBar.Axis.TickGenerator = FigureStyle.Ticks(0, 1, 0.2);
        colourBar.Axis.TickLabelStyle.FontSize = FigureStyle.TickLabelSize;

        var boundary = firstHeadLayer - 0.5;
        plot.Add.VerticalLine(boundary, 1.5f, BoundaryColour);
        plot.Add.HorizontalLine(boundary, 1.5f, BoundaryColour);

        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.Axes.Bottom.TickGenerator = new NumericFixedInterval(10);
        plot.Axes.Left.TickGenerator = new NumericFixedInterval(10);
        plot.Grid.IsVisible = false;
        return new Figure(plot, Width, Height);
    }

    private static double[,] BottomUp(double[,] cka)
    {
        var (rows, columns) = (cka.GetLength(0), cka.GetLength(1));
        var flipped = new double[rows, columns];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                flipped[rows - 1 - i, j] = cka[i, j];
        return flipped;
    }
}
