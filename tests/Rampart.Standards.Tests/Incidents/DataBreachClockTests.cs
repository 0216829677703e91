using Microsoft.Extensions.Time.Testing;
using Rampart.Standards.Incidents;

namespace Rampart.Standards.Tests.Incidents;

/// <summary>GDPR Art. 33 and its national mirrors: 72 h from awareness of the breach, per configured jurisdiction.</summary>
public sealed class DataBreachClockTests
{
    private static readonly DateTimeOffset BreachAware = new(2026, 6, 1, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Breach_Serbia_IsDue72HoursAfterAwarenessOfTheBreach_ToTheCommissioner()
    {
        var clock = new FakeTimeProvider(BreachAware);
        var facts = new DataBreachFacts(BreachAware, "RS");

        var status = DataBreachClock.Evaluate(facts, DataProtectionJurisdiction.Defaults, clock.GetUtcNow());
        Assert.Equal(BreachAware.AddHours(72), status.Due);
        Assert.Equal(StageObligee.Controller, status.Obligee);
        Assert.Equal(DeadlineState.NotDueYet, status.State);
        Assert.Contains("87/2018", status.LegalBasis, StringComparison.Ordinal);
        Assert.Contains("Commissioner", DataProtectionJurisdiction.Defaults["RS"].Authority, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        Assert.Equal(DeadlineState.Overdue, DataBreachClock.Evaluate(facts, DataProtectionJurisdiction.Defaults, clock.GetUtcNow()).State);
    }

    [Fact]
    public void Breach_Submitted_IsOnTimeOrLateAgainstTheDeadline()
    {
        var onTime = DataBreachClock.Evaluate(new DataBreachFacts(BreachAware, "EU", BreachAware.AddHours(71)), DataProtectionJurisdiction.Defaults, BreachAware.AddDays(5));
        var late = DataBreachClock.Evaluate(new DataBreachFacts(BreachAware, "GE", BreachAware.AddHours(73)), DataProtectionJurisdiction.Defaults, BreachAware.AddDays(5));

        Assert.Equal(DeadlineState.SubmittedOnTime, onTime.State);
        Assert.Equal("Regulation (EU) 2016/679, Art. 33(1)", onTime.LegalBasis);
        Assert.Equal(DeadlineState.SubmittedLate, late.State);
    }

    [Theory]
    [InlineData("AL")]
    [InlineData("ME")]
    [InlineData("MD")]
    [InlineData("")]
    [InlineData("ZZ")]
    public void Breach_JurisdictionWithoutCitedLawOrUnknown_IsRefusedNotGuessed(string jurisdiction)
    {
        var error = Assert.Throws<StandardsException>(() => DataBreachClock.Evaluate(new DataBreachFacts(BreachAware, jurisdiction), DataProtectionJurisdiction.Defaults, BreachAware));

        Assert.Equal("Jurisdiction", error.Path);
    }

    [Fact]
    public void Breach_JurisdictionConfiguredByTheOperator_UsesItsAuthorityAndHours()
    {
        var configured = new Dictionary<string, DataProtectionJurisdiction>(DataProtectionJurisdiction.Defaults.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase)
        {
            ["ME"] = new() { Authority = "Agency for Personal Data Protection and Free Access to Information", Hours = 48, LegalReference = "as configured" },
        };

        var status = DataBreachClock.Evaluate(new DataBreachFacts(BreachAware, "me"), configured, BreachAware);

        Assert.Equal(BreachAware.AddHours(48), status.Due);
        Assert.Equal("as configured", status.LegalBasis);
    }

    [Fact]
    public void Breach_ConfiguredHoursOutOfRange_IsRefusedNamingTheSetting()
    {
        var configured = new Dictionary<string, DataProtectionJurisdiction> { ["MD"] = new() { Authority = "x", Hours = 0, LegalReference = "y" } };

        var error = Assert.Throws<StandardsException>(() => DataBreachClock.Evaluate(new DataBreachFacts(BreachAware, "MD"), configured, BreachAware));

        Assert.Equal("MD.Hours", error.Path);
    }
}
