using BenchmarkDotNet.Running;
using Rampart.Benchmarks;

// `stream-1gb` measures heap use while streaming a generated 1 GB bundle; anything else goes to BenchmarkDotNet.
if (args is ["stream-1gb", ..])
{
    return await StreamingMeasurement.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1L << 30);
}

if (args is ["export-1m", var format, ..])
{
    return await ExportMeasurement.RunAsync(Enum.Parse<Rampart.Standards.Intelligence.Exports.ExportFormat>(format, ignoreCase: true), 1_000_000);
}

if (args is ["profile-stix-loop", var what, ..])
{
    return StixProfile.Loop(what);
}

if (args is ["profile-stix", ..])
{
    return StixProfile.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
