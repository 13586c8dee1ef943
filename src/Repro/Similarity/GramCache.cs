using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Similarity;

/// <summary>What a cached Gram set was computed from; a cache is used only when every field matches.</summary>
/// <param name="Model">The model's identity (name plus a hash of its weights, say): the caller decides.</param>
/// <param name="ImageIds">The images, in row order.</param>
public sealed record GramCacheKey(string Model, IReadOnlyList<int> Layers, int InputHeight, int InputWidth, IReadOnlyList<string> ImageIds)
{
    /// <summary>SHA-256 of the ids joined by newlines, in order (row order matters to a Gram).</summary>
    public string ImageIdsHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', ImageIds))));
}

/// <summary>
/// Centered Grams of one (model, layer set, input size, image set) in one <see cref="TensorFile"/>, written
/// atomically: tensors <c>gram.{layer}</c> (n × n float64, H·K·H) and <c>meta</c> (UTF-8 JSON as uint8: format,
/// model, layers, input size, example count, image-id hash). Centered Grams lose nothing the analysis needs:
/// CKA, debiased CKA and bootstrap resamples all give the same values from K or H·K·H (re-centering removes the
/// row and column terms in which the two differ). Loading a cache made for anything else is refused, naming the
/// mismatched field.
/// </summary>
public static class GramCache
{
    private const string Format = "repro-gram-cache/1";

    private sealed record Meta(string Format, string Model, int[] Layers, int InputHeight, int InputWidth, long Examples, string ImageIdsHash);

    public static void Save(string path, GramCacheKey key, GramSet grams)
    {
        if (!grams.Layers.SequenceEqual(key.Layers.Order()))
            throw new ArgumentException($"the Gram set has layers {string.Join(",", grams.Layers)}, the key {string.Join(",", key.Layers.Order())}");
        if (grams.Examples != key.ImageIds.Count)
            throw new ArgumentException($"the Gram set has {grams.Examples} examples, the key {key.ImageIds.Count} image ids");
        using var scope = torch.NewDisposeScope();
        var meta = new Meta(Format, key.Model, key.Layers.Order().ToArray(), key.InputHeight, key.InputWidth, key.ImageIds.Count, key.ImageIdsHash);
        var tensors = new List<KeyValuePair<string, Tensor>> { new("meta", torch.tensor(JsonSerializer.SerializeToUtf8Bytes(meta))) };
        foreach (var layer in grams.Layers)
            tensors.Add(new($"gram.{layer}", grams.IsCentered ? grams[layer] : LinearCka.CenterGram(grams[layer])));
        TensorFile.Save(path, tensors);
    }

    /// <summary>The cached centered Grams, or an <see cref="InvalidDataException"/> naming the file and what differs.</summary>
    public static GramSet Load(string path, GramCacheKey expected)
    {
        var tensors = TensorFile.Load(path);
        try
        {
            if (!tensors.TryGetValue("meta", out var metaTensor) || metaTensor.dtype != ScalarType.Byte)
                throw new InvalidDataException($"{path}: not a Gram cache (no 'meta' tensor)");
            var meta = JsonSerializer.Deserialize<Meta>(metaTensor.ToArray<byte>())
                       ?? throw new InvalidDataException($"{path}: empty 'meta'");
            void Require(bool same, string field, object cached, object wanted)
            {
                if (!same) throw new InvalidDataException($"{path}: Gram cache was made for {field} {cached}, asked for {wanted}");
            }
            Require(meta.Format == Format, "format", meta.Format, Format);
            Require(meta.Model == expected.Model, "model", meta.Model, expected.Model);
            var layers = expected.Layers.Order().ToArray();
            Require(meta.Layers.SequenceEqual(layers), "layers", string.Join(",", meta.Layers), string.Join(",", layers));
            Require(meta.InputHeight == expected.InputHeight && meta.InputWidth == expected.InputWidth, "input size",
                $"{meta.InputHeight}×{meta.InputWidth}", $"{expected.InputHeight}×{expected.InputWidth}");
            Require(meta.Examples == expected.ImageIds.Count, "image count", meta.Examples, expected.ImageIds.Count);
            Require(meta.ImageIdsHash == expected.ImageIdsHash, "image set (id hash)", meta.ImageIdsHash, expected.ImageIdsHash);
            var grams = new List<KeyValuePair<int, Tensor>>();
            foreach (var layer in layers)
            {
                if (!tensors.TryGetValue($"gram.{layer}", out var gram)) throw new InvalidDataException($"{path}: no Gram for layer {layer}");
                if (gram.dtype != ScalarType.Float64 || !gram.shape.SequenceEqual(new[] { meta.Examples, meta.Examples }))
                    throw new InvalidDataException($"{path}: Gram of layer {layer} is {gram}, expected {meta.Examples} × {meta.Examples} float64");
                grams.Add(new(layer, gram));
            }
            var set = new GramSet(grams, isCentered: true);
            foreach (var (name, t) in tensors)
                if (!name.StartsWith("gram.", StringComparison.Ordinal)) t.Dispose();
            return set;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>The cache at <paramref name="path"/> when it exists, else <paramref name="compute"/>'s Grams, saved there first.</summary>
    public static GramSet LoadOrCompute(string path, GramCacheKey key, Func<GramSet> compute)
    {
        if (File.Exists(path)) return Load(path, key);
        using var computed = compute();
        Save(path, key, computed);
        return Load(path, key);
    }
}
