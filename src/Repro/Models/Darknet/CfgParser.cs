using System.Globalization;

namespace Repro.Models.Darknet;

/// <summary>
/// Reads darknet's cfg syntax: <c>[section]</c> headers, <c>key=value</c> lines, comments from <c>#</c> or <c>;</c>.
/// Strict where darknet is lenient: an unknown section or key, a missing required key, a malformed value or a
/// reference to a layer that does not precede the referencing one is a <see cref="DarknetCfgException"/> naming
/// the file and the line, because a silently ignored typo would change the network being studied.
/// </summary>
public static class CfgParser
{
    // [net] keys darknet uses for training; accepted so real darknet cfgs parse, and ignored, because training is
    // configured by the experiment profile.
    private static readonly HashSet<string> IgnoredNetKeys =
    [
        "batch", "subdivisions", "momentum", "decay", "angle", "saturation", "exposure", "hue", "learning_rate",
        "burn_in", "max_batches", "policy", "steps", "scales", "max_crop", "min_crop", "aspect", "power", "mosaic",
        "flip",
    ];

    private static readonly Dictionary<string, string[]> KnownKeys = new()
    {
        ["net"] = ["width", "height", "channels", .. IgnoredNetKeys],
        ["convolutional"] = ["batch_normalize", "filters", "size", "stride", "pad", "padding", "activation"],
        ["shortcut"] = ["from", "activation"],
        ["route"] = ["layers"],
        ["upsample"] = ["stride"],
        ["yolo"] = ["mask", "anchors", "classes", "num", "jitter", "ignore_thresh", "truth_thresh", "random"],
        ["avgpool"] = [],
        ["connected"] = ["output", "activation"],
        ["softmax"] = ["groups"],
    };

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["network"] = "net", ["conv"] = "convolutional", ["avg"] = "avgpool", ["conn"] = "connected", ["soft"] = "softmax",
    };

    public static DarknetCfg ParseFile(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"darknet cfg not found: {path}", path);
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>Parses cfg text; <paramref name="file"/> is the name error messages use.</summary>
    public static DarknetCfg Parse(string text, string file)
    {
        var sections = ReadSections(text, file);
        if (sections.Count == 0) throw new DarknetCfgException(file, 1, "no sections: expected [net] followed by layers");
        var net = sections[0];
        if (net.Name != "net") throw new DarknetCfgException(file, net.Line, $"the first section must be [net], found [{net.Name}]");

        var layers = new List<LayerSpec>();
        for (var s = 1; s < sections.Count; s++)
        {
            var section = sections[s];
            if (section.Name == "net") throw new DarknetCfgException(file, section.Line, "[net] may appear only once, first");
            layers.Add(ParseLayer(section, layers.Count, file));
        }
        var width = net.Int("width", null);
        var height = net.Int("height", null);
        var channels = net.Int("channels", 3);
        if (width < 1 || height < 1 || channels < 1)
            throw new DarknetCfgException(file, net.Line, $"[net] width, height and channels must be positive (got {width}, {height}, {channels})");
        if (layers.Count == 0) throw new DarknetCfgException(file, net.Line, "the cfg defines no layers");
        return new DarknetCfg(file, width, height, channels, layers);
    }

    private static LayerSpec ParseLayer(Section s, int index, string file)
    {
        switch (s.Name)
        {
            case "convolutional":
            {
                var size = s.Int("size", 1);
                var stride = s.Int("stride", 1);
                var filters = s.Int("filters", null);
                if (size < 1 || stride < 1 || filters < 1)
                    throw new DarknetCfgException(file, s.Line, $"layer {index}: size, stride and filters must be positive");
                var padding = s.Int("pad", 0) != 0 ? size / 2 : s.Int("padding", 0);
                return new ConvolutionalSpec(s.Line, filters, size, stride, padding, s.Int("batch_normalize", 0) != 0,
                    s.Activation("activation", null));
            }
            case "shortcut":
                return new ShortcutSpec(s.Line, s.LayerReference("from", index), s.Activation("activation", Activation.Linear));
            case "route":
            {
                var (line, values) = s.IntList("layers");
                if (values.Count == 0) throw new DarknetCfgException(file, line, "route 'layers' lists no layer");
                return new RouteSpec(s.Line, values.Select(v => Resolve(v, index, file, line, "layers")).ToList());
            }
            case "upsample":
            {
                var stride = s.Int("stride", 2);
                if (stride < 1) throw new DarknetCfgException(file, s.Line, $"upsample stride must be positive, got {stride}");
                return new UpsampleSpec(s.Line, stride);
            }
            case "yolo":
                return ParseYolo(s, file);
            case "avgpool":
                return new AvgPoolSpec(s.Line);
            case "connected":
            {
                var output = s.Int("output", null);
                if (output < 1) throw new DarknetCfgException(file, s.Line, $"connected output must be positive, got {output}");
                return new ConnectedSpec(s.Line, output, s.Activation("activation", null));
            }
            case "softmax":
            {
                var groups = s.Int("groups", 1);
                if (groups != 1) throw new DarknetCfgException(file, s.Line, $"softmax groups={groups} is not supported (only 1)");
                return new SoftmaxSpec(s.Line);
            }
            default:
                throw new InvalidOperationException($"section [{s.Name}] passed validation without a parser");
        }
    }

    private static YoloSpec ParseYolo(Section s, string file)
    {
        var (maskLine, mask) = s.IntList("mask");
        var (anchorLine, anchorValues) = s.FloatList("anchors");
        if (anchorValues.Count == 0 || anchorValues.Count % 2 != 0)
            throw new DarknetCfgException(file, anchorLine, $"anchors must be width,height pairs, got {anchorValues.Count} numbers");
        var anchors = Enumerable.Range(0, anchorValues.Count / 2).Select(i => (anchorValues[2 * i], anchorValues[2 * i + 1])).ToList();
        var num = s.Int("num", anchors.Count);
        if (num != anchors.Count) throw new DarknetCfgException(file, s.LineOf("num"), $"num={num} but {anchors.Count} anchors are listed");
        foreach (var m in mask)
            if (m < 0 || m >= anchors.Count)
                throw new DarknetCfgException(file, maskLine, $"mask {m} refers to anchor {m}, but only {anchors.Count} anchors are listed (0–{anchors.Count - 1})");
        var classes = s.Int("classes", null);
        if (classes < 1) throw new DarknetCfgException(file, s.LineOf("classes"), $"classes must be positive, got {classes}");
        return new YoloSpec(s.Line, mask, anchors, classes, s.Double("ignore_thresh", 0.5));
    }

    private static int Resolve(int reference, int index, string file, int line, string key)
    {
        // Darknet: negative is relative to the referencing layer, non-negative is absolute.
        var absolute = reference < 0 ? index + reference : reference;
        if (absolute < 0 || absolute >= index)
            throw new DarknetCfgException(file, line,
                $"layer {index}: {key}={reference} refers to layer {absolute}, which does not exist before it (layers 0–{index - 1})");
        return absolute;
    }

    private static List<Section> ReadSections(string text, string file)
    {
        var sections = new List<Section>();
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var lineNumber = n + 1;
            var line = StripComment(lines[n]).Trim();
            if (line.Length == 0) continue;
            if (line[0] == '[')
            {
                if (line[^1] != ']') throw new DarknetCfgException(file, lineNumber, $"malformed section header '{line}'");
                var name = line[1..^1].Trim().ToLowerInvariant();
                name = Aliases.GetValueOrDefault(name, name);
                if (!KnownKeys.ContainsKey(name))
                    throw new DarknetCfgException(file, lineNumber, $"unknown section [{name}] (known: {string.Join(", ", KnownKeys.Keys.Select(k => $"[{k}]"))})");
                sections.Add(new Section(name, lineNumber, file));
                continue;
            }
            if (sections.Count == 0) throw new DarknetCfgException(file, lineNumber, $"'{line}' appears before any [section]");
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new DarknetCfgException(file, lineNumber, $"expected key=value, found '{line}'");
            var key = line[..eq].Trim().ToLowerInvariant();
            var value = line[(eq + 1)..].Trim();
            var current = sections[^1];
            if (!KnownKeys[current.Name].Contains(key))
                throw new DarknetCfgException(file, lineNumber, $"unknown key '{key}' in [{current.Name}]");
            if (!current.Values.TryAdd(key, (lineNumber, value)))
                throw new DarknetCfgException(file, lineNumber, $"key '{key}' repeats in [{current.Name}] (first at line {current.Values[key].Line})");
        }
        return sections;
    }

    private static string StripComment(string line)
    {
        var cut = line.IndexOfAny(['#', ';']);
        return cut < 0 ? line : line[..cut];
    }

    /// <summary>One [section] with its key=value lines and where each was written.</summary>
    private sealed class Section(string name, int line, string file)
    {
        public string Name { get; } = name;
        public int Line { get; } = line;
        public Dictionary<string, (int Line, string Value)> Values { get; } = [];

        public int LineOf(string key) => Values.TryGetValue(key, out var v) ? v.Line : Line;

        private (int Line, string Value)? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

        private DarknetCfgException Missing(string key) => new(file, Line, $"[{Name}] needs '{key}'");

        public int Int(string key, int? fallback)
        {
            if (Get(key) is not { } v) return fallback ?? throw Missing(key);
            return int.TryParse(v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
                ? result
                : throw new DarknetCfgException(file, v.Line, $"'{key}' must be an integer, found '{v.Value}'");
        }

        public double Double(string key, double fallback)
        {
            if (Get(key) is not { } v) return fallback;
            return double.TryParse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) && double.IsFinite(result)
                ? result
                : throw new DarknetCfgException(file, v.Line, $"'{key}' must be a number, found '{v.Value}'");
        }

        public (int Line, List<int> Values) IntList(string key)
        {
            if (Get(key) is not { } v) throw Missing(key);
            var values = new List<int>();
            foreach (var item in v.Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x))
                    throw new DarknetCfgException(file, v.Line, $"'{key}' must be a comma-separated list of integers, found '{item}'");
                values.Add(x);
            }
            return (v.Line, values);
        }

        public (int Line, List<float> Values) FloatList(string key)
        {
            if (Get(key) is not { } v) throw Missing(key);
            var values = new List<float>();
            foreach (var item in v.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!float.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !(x > 0) || !float.IsFinite(x))
                    throw new DarknetCfgException(file, v.Line, $"'{key}' must be a comma-separated list of positive numbers, found '{item}'");
                values.Add(x);
            }
            return (v.Line, values);
        }

        public Activation Activation(string key, Activation? fallback)
        {
            if (Get(key) is not { } v) return fallback ?? throw Missing(key);
            return v.Value.ToLowerInvariant() switch
            {
                "leaky" => Darknet.Activation.Leaky,
                "linear" => Darknet.Activation.Linear,
                _ => throw new DarknetCfgException(file, v.Line, $"activation '{v.Value}' is not supported (leaky or linear)"),
            };
        }

        public int LayerReference(string key, int index)
        {
            var reference = Int(key, null);
            return Resolve(reference, index, file, LineOf(key), key);
        }
    }
}
