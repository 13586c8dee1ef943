using Repro.Data;
using Repro.Torch;

namespace Repro.Evaluation;

/// <summary>
/// A picture for eyeballing: the network's input image with the ground truth (green) and the detections above a
/// score (red, brightness by score) drawn as box outlines, in input pixels.
/// </summary>
public static class DetectionPicture
{
    private static readonly byte[] Truth = [40, 220, 60];
    private static readonly byte[] Predicted = [235, 40, 40];

    /// <summary>image: 3 × H × W float in [0, 1]; returns H × W × 3 uint8 (RGB), ready for Image.Write.</summary>
    public static Tensor Draw(Tensor image, IEnumerable<BoundingBox> truth, IEnumerable<Detection> detections, double minScore = 0.25)
    {
        using var scope = torch.NewDisposeScope();
        var rgb = (image.detach().cpu() * 255).clamp(0, 255).round().to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        var (height, width) = ((int)rgb.shape[0], (int)rgb.shape[1]);
        var pixels = rgb.ToArray<byte>();
        foreach (var b in truth) Outline(pixels, width, height, b, Truth, 1.0);
        foreach (var d in detections.Where(d => d.Score >= minScore).OrderBy(d => d.Score))
            Outline(pixels, width, height, d.Box, Predicted, 0.4 + 0.6 * d.Score);
        return torch.tensor(pixels, height, width, 3).MoveToOuterDisposeScope();
    }

    private static void Outline(byte[] pixels, int width, int height, BoundingBox box, byte[] colour, double strength)
    {
        int Clamp(float v, int max) => Math.Clamp((int)MathF.Round(v), 0, max - 1);
        var (x1, y1, x2, y2) = (Clamp(box.X1, width), Clamp(box.Y1, height), Clamp(box.X2 - 1, width), Clamp(box.Y2 - 1, height));
        void Set(int x, int y)
        {
            var at = (y * width + x) * 3;
            for (var c = 0; c < 3; c++) pixels[at + c] = (byte)(colour[c] * strength + pixels[at + c] * (1 - strength));
        }
        for (var x = x1; x <= x2; x++) { Set(x, y1); Set(x, y2); }
        for (var y = y1; y <= y2; y++) { Set(x1, y); Set(x2, y); }
    }
}
