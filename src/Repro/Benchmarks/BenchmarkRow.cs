namespace Repro.Benchmarks;

/// <summary>
/// One measured figure of `repro bench`: a value with its unit and, where it has one, its ratio to the limit it is
/// judged against (the measured conv peak, direct libtorch, the memory budget …), named in <see cref="RatioTo"/>.
/// </summary>
public sealed record BenchmarkRow(string Group, string Name, double Value, string Unit, double? Ratio = null, string RatioTo = "");
