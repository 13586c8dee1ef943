using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Repro.Reporting.Plots;

/// <summary>
/// The few SVG building blocks the charts share. Output is meant to be diffed as text: coordinates with two fixed
/// decimals in invariant culture, attributes in a fixed order, "\n" line ends, no generated ids.
/// </summary>
internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    /// <summary>A coordinate: two decimals (a hundredth of a pixel), never "-0.00".</summary>
    public static string N(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "An SVG coordinate must be finite.");
        var text = value.ToString("F2", CultureInfo.InvariantCulture);
        return text == "-0.00" ? "0.00" : text;
    }

    public static XElement El(string name, params object?[] content) => new(Ns + name, content);

    public static XAttribute A(string name, double value) => new(name, N(value));

    public static XAttribute A(string name, string value) => new(name, value);

    public static XElement Text(double x, double y, string text, string anchor = "middle", double size = 12, params object?[] extra) =>
        El("text", A("x", x), A("y", y), A("text-anchor", anchor), A("font-size", size.ToString(CultureInfo.InvariantCulture)), extra, text);

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, params object?[] extra) =>
        El("line", A("x1", x1), A("y1", y1), A("x2", x2), A("y2", y2), A("stroke", stroke), A("stroke-width", width), extra);

    public static XElement Rect(double x, double y, double width, double height, string fill, params object?[] extra) =>
        El("rect", A("x", x), A("y", y), A("width", width), A("height", height), A("fill", fill), extra);

    /// <summary>The root element with a white background and the chart's title as both &lt;title&gt; (accessibility) and heading.</summary>
    public static XElement Document(double width, double height, string title, IEnumerable<object> content) =>
        new(Ns + "svg",
            A("width", width), A("height", height), A("viewBox", $"0 0 {N(width)} {N(height)}"),
            A("font-family", FontFamily),
            El("title", title),
            Rect(0, 0, width, height, "#ffffff", A("class", "background")),
            Text(width / 2, 28, title, "middle", 16, A("font-weight", "bold"), A("class", "title")),
            content);

    public static string Serialize(XElement root)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            new XDocument(root).Save(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>An SVG path through points, starting a new sub-path after every gap (a null point).</summary>
    public static string PathData(IEnumerable<(double X, double Y)?> points)
    {
        var sb = new StringBuilder();
        var pen = false;
        foreach (var p in points)
        {
            if (p is not { } q) { pen = false; continue; }
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(pen ? 'L' : 'M').Append(N(q.X)).Append(',').Append(N(q.Y));
            pen = true;
        }
        return sb.ToString();
    }
}
