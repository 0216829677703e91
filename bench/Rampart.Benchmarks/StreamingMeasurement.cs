using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rampart.Standards.Stix;

namespace Rampart.Benchmarks;

/// <summary>
/// Streams a generated bundle of the given size (default 1 GiB) through <see cref="StixBundleReader"/>
/// and reports the peak managed heap, sampled after every 10,000 objects and by a background sampler.
/// The bundle is generated on the fly, so nothing but the reader holds it.
/// </summary>
internal static class StreamingMeasurement
{
    public static async Task<int> RunAsync(long totalBytes)
    {
        var stream = new GeneratedBundleStream(totalBytes);
        long peak = 0;
        long count = 0;
        var watch = Stopwatch.StartNew();
        using var sampler = new Timer(_ => Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), GC.GetTotalMemory(false))), null, 0, 50);
        await foreach (var o in StixBundleReader.ReadAsync(stream))
        {
            count++;
            if (count % 10_000 == 0)
            {
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), GC.GetTotalMemory(false)));
            }

            GC.KeepAlive(o);
        }

        watch.Stop();
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"streamed {stream.Position / (1024.0 * 1024):F0} MiB, {count} objects in {watch.Elapsed.TotalSeconds:F1} s ({stream.Position / (1024.0 * 1024) / watch.Elapsed.TotalSeconds:F0} MiB/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak managed heap (sampled): {peak / (1024.0 * 1024):F1} MiB; GC heap at end: {info.HeapSizeBytes / (1024.0 * 1024):F1} MiB; process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MiB"));
        return peak < 200L * 1024 * 1024 ? 0 : 1;
    }

    /// <summary>A read-only stream producing <c>{"type":"bundle","id":…,"objects":[ … ]}</c> with indicators until the size is reached.</summary>
    private sealed class GeneratedBundleStream(long target) : Stream
    {
        private readonly byte[] head = Encoding.UTF8.GetBytes("""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[""");
        private readonly byte[] tail = Encoding.UTF8.GetBytes("]}");
        private byte[] current = [];
        private int offset;
        private long produced;
        private long index;
        private int stage;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => produced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int bufferOffset, int count)
        {
            if (offset >= current.Length && !Next())
            {
                return 0;
            }

            var n = Math.Min(count, current.Length - offset);
            Buffer.BlockCopy(current, offset, buffer, bufferOffset, n);
            offset += n;
            produced += n;
            return n;
        }

        private bool Next()
        {
            offset = 0;
            switch (stage)
            {
                case 0:
                    current = head;
                    stage = 1;
                    return true;
                case 1 when produced < target:
                    var separator = index == 0 ? "" : ",";
                    current = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                        $$"""{{separator}}{"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid.NewGuid()}}","created":"2024-05-01T08:30:00.000Z","modified":"2024-05-01T08:30:00.000Z","name":"indicator {{index}}","pattern":"[ipv4-addr:value = '198.51.{{index % 256}}.{{(index / 256) % 256}}']","pattern_type":"stix","valid_from":"2024-05-01T08:30:00Z","labels":["generated"]}"""));
                    index++;
                    return true;
                case 1:
                    current = tail;
                    stage = 2;
                    return true;
                default:
                    return false;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
