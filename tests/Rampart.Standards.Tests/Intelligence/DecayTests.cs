using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Intelligence;

public sealed class DecayTests
{
    private static readonly DateTimeOffset Since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DecayModel Linear = new("linear", TimeSpan.FromDays(100), 1, 30);

    [Fact]
    public void Score_LinearModel_FollowsMispPolynomial()
    {
        Assert.Equal(80, Decay.Score(80, Since, Since, Linear), 6);
        Assert.Equal(40, Decay.Score(80, Since, Since.AddDays(50), Linear), 6);
        Assert.Equal(0, Decay.Score(80, Since, Since.AddDays(100), Linear), 6);
        Assert.Equal(0, Decay.Score(80, Since, Since.AddDays(400), Linear), 6);
    }

    [Fact]
    public void Score_DecaySpeedAboveOne_StaysHighLonger()
    {
        var slow = Linear with { DecaySpeed = 3 };
        var fast = Linear with { DecaySpeed = 0.3 };
        var at = Since.AddDays(50);

        // 100 · (1 − 0.5^(1/3)) ≈ 20.63; 100 · (1 − 0.5^(1/0.3)) ≈ 90.08.
        Assert.Equal(100 * (1 - Math.Pow(0.5, 1 / 3.0)), Decay.Score(100, Since, at, slow), 6);
        Assert.True(Decay.Score(100, Since, at, slow) < Decay.Score(100, Since, at, fast));
    }

    [Fact]
    public void IsDecayed_BelowThreshold_True()
    {
        Assert.False(Decay.IsDecayed(80, Since, Since.AddDays(62), Linear)); // 80 · 0.38 = 30.4
        Assert.True(Decay.IsDecayed(80, Since, Since.AddDays(63), Linear)); // 80 · 0.37 = 29.6
    }

    [Fact]
    public void Score_SightedInTheFuture_BaseScore() => Assert.Equal(70, Decay.Score(70, Since.AddDays(1), Since, Linear));

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(250, 100)]
    [InlineData(double.NaN, 0)]
    public void Score_BaseOutOfRange_Clamped(double baseScore, double expected) => Assert.Equal(expected, Decay.Score(baseScore, Since, Since, Linear));

    [Fact]
    public void DecaysAt_FirstDecayedInstant()
    {
        var at = Decay.DecaysAt(80, Since, Linear)!.Value;

        Assert.True(Decay.IsDecayed(80, Since, at, Linear));
        Assert.False(Decay.IsDecayed(80, Since, at.AddTicks(-1), Linear));
        Assert.Equal(Since, Decay.DecaysAt(20, Since, Linear));
        Assert.Null(Decay.DecaysAt(20, Since, Linear with { Threshold = 0 }));
    }

    [Theory]
    [InlineData(0, 1, 30, "lifetime")]
    [InlineData(10, 0, 30, "decay_speed")]
    [InlineData(10, 1, 101, "threshold")]
    public void Validated_BadParameter_StandardsExceptionNamingIt(int days, double speed, double threshold, string path)
    {
        var e = Assert.Throws<StandardsException>(() => new DecayModel("x", TimeSpan.FromDays(days), speed, threshold).Validated());
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void ForKind_EveryKind_HasAValidModel()
    {
        foreach (var kind in Enum.GetValues<IndicatorKind>())
        {
            DecayModel.ForKind(kind).Validated();
        }
    }

    [Property(MaxTest = 2000)]
    public bool Score_AsTimeAdvances_NeverIncreasesAndStaysInBounds(NormalFloat baseScore, PositiveInt lifetimeHours, NormalFloat speed, int offsetA, int offsetB, NormalFloat threshold)
    {
        var model = new DecayModel("p", TimeSpan.FromHours(lifetimeHours.Get), Math.Abs(speed.Get % 10) + 0.01, Math.Abs(threshold.Get % 100));
        var (early, late) = offsetA <= offsetB ? (offsetA, offsetB) : (offsetB, offsetA);
        var a = Decay.Score(baseScore.Get, Since, Since.AddMinutes(early), model);
        var b = Decay.Score(baseScore.Get, Since, Since.AddMinutes(late), model);
        return a is >= 0 and <= 100 && b is >= 0 and <= 100 && b <= a;
    }

    [Property(MaxTest = 500)]
    public bool IsDecayed_OnceDecayed_StaysDecayed(PositiveInt baseScore, PositiveInt lifetimeHours, PositiveInt minutes)
    {
        var model = new DecayModel("p", TimeSpan.FromHours(lifetimeHours.Get), 0.7, 25);
        var at = Decay.DecaysAt(baseScore.Get % 101, Since, model)!.Value;
        return Decay.IsDecayed(baseScore.Get % 101, Since, at.AddMinutes(minutes.Get), model);
    }
}
