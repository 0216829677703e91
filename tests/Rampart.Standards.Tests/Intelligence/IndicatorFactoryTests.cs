using Rampart.Standards.Intelligence;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Intelligence;

public sealed class IndicatorFactoryTests
{
    private const string Creator = "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
    private static readonly DateTimeOffset At = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(IndicatorKind.Ipv4, " 198.51.100.7 ", "198.51.100.7", "[ipv4-addr:value = '198.51.100.7']", "ipv4-addr")]
    [InlineData(IndicatorKind.Ipv6, "2001:DB8:0:0::1", "2001:db8::1", "[ipv6-addr:value = '2001:db8::1']", "ipv6-addr")]
    [InlineData(IndicatorKind.Cidr, "10.1.2.3/8", "10.0.0.0/8", "[ipv4-addr:value = '10.0.0.0/8']", "ipv4-addr")]
    [InlineData(IndicatorKind.Domain, "Evil.Example.COM.", "evil.example.com", "[domain-name:value = 'evil.example.com']", "domain-name")]
    [InlineData(IndicatorKind.Url, "HTTP://Evil.Example.com:80/a?b=1", "http://evil.example.com/a?b=1", "[url:value = 'http://evil.example.com/a?b=1']", "url")]
    [InlineData(IndicatorKind.Email, "boss@Example.COM", "boss@example.com", "[email-addr:value = 'boss@example.com']", "email-addr")]
    [InlineData(IndicatorKind.Sha256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']", "file")]
    [InlineData(IndicatorKind.AutonomousSystem, "as64500", "AS64500", "[autonomous-system:number = 64500]", "autonomous-system")]
    public void Create_ValueOfKind_IndicatorWithPatternAndValidSco(IndicatorKind kind, string raw, string normalised, string pattern, string scoType)
    {
        var made = IndicatorFactory.Create(new IndicatorRequest(kind, raw, At, Creator, Tlp.Amber) { Labels = ["phishing"] });

        Assert.Equal(normalised, made.NormalisedValue);
        Assert.NotNull(made.Indicator);
        Assert.Equal(pattern, made.Indicator.GetString("pattern"));
        Assert.Equal("stix", made.Indicator.GetString("pattern_type"));
        Assert.Equal("2026-11-29T03:00:00.000Z", made.Indicator.GetString("valid_from"));
        Assert.Equal(Creator, made.Indicator.GetString("created_by_ref"));
        Assert.Equal(Tlp.Amber.StixMarkingId(), made.Indicator.Json["object_marking_refs"]![0]!.GetValue<string>());
        Assert.Equal(scoType, made.Subject.Type);
        Assert.Equal(ScoIds.Compute(made.Subject.Json), made.Subject.Id);
        Assert.Equal(Tlp.Amber.StixMarkingId(), made.Subject.Json["object_marking_refs"]![0]!.GetValue<string>());
        Assert.True(StixValidator.Validate(made.Indicator).IsValid, string.Join("; ", StixValidator.Validate(made.Indicator).Errors));
        Assert.True(StixValidator.Validate(made.Subject).IsValid, string.Join("; ", StixValidator.Validate(made.Subject).Errors));
        // The pattern parses back and pins down the normalised value for the observable index.
        var terms = PatternIndex.Extract(PatternParser.Parse(made.Indicator.GetString("pattern")!));
        Assert.Single(terms);
    }

    [Fact]
    public void Create_SameValueTwiceBySameCreator_SameIds()
    {
        var first = IndicatorFactory.Create(new IndicatorRequest(IndicatorKind.Domain, "evil.example.com", At, Creator, Tlp.Green));
        var second = IndicatorFactory.Create(new IndicatorRequest(IndicatorKind.Domain, "EVIL.example.com.", At.AddDays(1), Creator, Tlp.Green));
        var other = IndicatorFactory.Create(new IndicatorRequest(IndicatorKind.Domain, "evil.example.com", At, "identity--0b2c1a4e-1d3e-4f5a-9b6c-7d8e9f0a1b2c", Tlp.Green));

        Assert.Equal(first.Indicator!.Id, second.Indicator!.Id);
        Assert.Equal(first.Subject.Id, other.Subject.Id);
        Assert.NotEqual(first.Indicator.Id, other.Indicator!.Id);
    }

    [Fact]
    public void Create_Cve_VulnerabilityWithoutIndicator()
    {
        var made = IndicatorFactory.Create(new IndicatorRequest(IndicatorKind.Cve, "cve-2024-3400", At, Creator, Tlp.Clear));

        Assert.Null(made.Indicator);
        Assert.Equal("vulnerability", made.Subject.Type);
        Assert.Equal("CVE-2024-3400", made.Subject.GetString("name"));
        Assert.True(StixValidator.Validate(made.Subject).IsValid);
    }

    [Theory]
    [InlineData(IndicatorKind.Ipv4, "2001:db8::1")]
    [InlineData(IndicatorKind.Ipv4, "010.1.1.1")]
    [InlineData(IndicatorKind.Cidr, "10.0.0.0/33")]
    [InlineData(IndicatorKind.Md5, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData(IndicatorKind.Domain, "not a domain")]
    [InlineData(IndicatorKind.AutonomousSystem, "AS99999999999")]
    public void Create_ValueNotOfItsKind_StandardsExceptionOnValue(IndicatorKind kind, string raw)
    {
        var e = Assert.Throws<StandardsException>(() => IndicatorFactory.Create(new IndicatorRequest(kind, raw, At, Creator, Tlp.Green)));
        Assert.Equal("value", e.Path);
    }

    [Fact]
    public void Create_ValidUntilNotAfterValidFrom_Refused()
    {
        var e = Assert.Throws<StandardsException>(() => IndicatorFactory.Create(new IndicatorRequest(IndicatorKind.Ipv4, "192.0.2.1", At, Creator, Tlp.Green) { ValidUntil = At }));
        Assert.Equal("valid_until", e.Path);
    }

    [Theory]
    [InlineData("https://evil.example/x", IndicatorKind.Url)]
    [InlineData("a@evil.example", IndicatorKind.Email)]
    [InlineData("192.0.2.0/24", IndicatorKind.Cidr)]
    [InlineData("192.0.2.1", IndicatorKind.Ipv4)]
    [InlineData("::1", IndicatorKind.Ipv6)]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", IndicatorKind.Md5)]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709", IndicatorKind.Sha1)]
    [InlineData("CVE-2021-44228", IndicatorKind.Cve)]
    [InlineData("AS13335", IndicatorKind.AutonomousSystem)]
    [InlineData("mup.gov.rs", IndicatorKind.Domain)]
    public void Detect_LoneValue_ItsKind(string raw, IndicatorKind expected) => Assert.Equal(expected, IndicatorFactory.Detect(raw));

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("1.2.3")]
    public void Detect_NotAValue_Null(string raw) => Assert.Null(IndicatorFactory.Detect(raw));
}
