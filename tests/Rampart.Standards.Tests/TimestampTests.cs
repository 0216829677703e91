using FsCheck.Xunit;

namespace Rampart.Standards.Tests;

public sealed class TimestampTests
{
    [Theory]
    [InlineData("2024-02-29T23:59:59Z", true)]
    [InlineData("2023-02-29T00:00:00Z", false)]
    [InlineData("2024-04-31T00:00:00Z", false)]
    [InlineData("2024-01-01T24:00:00Z", false)]
    [InlineData("2024-01-01T00:00:60Z", false)]
    [InlineData("2024-01-01T00:00:00.123456789Z", true)]
    [InlineData("2024-01-01T00:00:00.Z", false)]
    [InlineData("2024-01-01T00:00:00z", false)]
    [InlineData("2024-01-01t00:00:00Z", false)]
    [InlineData("2024-01-01T00:00:00+00:00", false)]
    [InlineData("0000-01-01T00:00:00Z", false)]
    public void Strict(string text, bool valid) => Assert.Equal(valid, Timestamps.TryParse(text, out _));

    [Fact]
    public void Fraction_IsKeptToTheTick()
    {
        Assert.True(Timestamps.TryParse("2024-01-01T00:00:00.1234567Z", out var t));
        Assert.Equal(1_234_567, t.Ticks % TimeSpan.TicksPerSecond);
    }

    [Property(MaxTest = 1000)]
    public bool Format_ThenParse_GivesTheSameMillisecond(long ticks)
    {
        var value = new DateTimeOffset(Math.Abs(ticks % DateTimeOffset.MaxValue.Ticks), TimeSpan.Zero);
        var truncated = value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMillisecond));
        return Timestamps.TryParse(Timestamps.Format(value), out var back) && back == truncated;
    }
}
