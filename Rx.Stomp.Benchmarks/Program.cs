using BenchmarkDotNet.Running;

// Run all with `dotnet run -c Release --project Rx.Stomp.Benchmarks -- --filter '*'`; pick with --filter '*Reader*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
