using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Rampart.Server.Capacity.Pdf;

namespace Rampart.Server.Capacity.Training;

/// <summary>
/// Verification codes of issued certificates: 20 characters of Crockford base32 (100 random bits, no I, L, O or U), shown
/// in groups of five. What a reader types is normalised: case, spaces and dashes do not matter, O reads as 0 and I or L as 1.
/// </summary>
public static class CertificateCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[TrainingLimits.CodeLength];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[TrainingLimits.CodeLength];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }

    /// <summary>The stored form of what a reader typed, or null when it cannot be a code.</summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null || typed.Length > 64)
        {
            return null;
        }

        var chars = new List<char>(TrainingLimits.CodeLength);
        foreach (var raw in typed)
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }

            chars.Add(c);
        }

        return chars.Count == TrainingLimits.CodeLength ? new string([.. chars]) : null;
    }

    /// <summary>The code as printed: four groups of five.</summary>
    public static string Display(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return string.Join('-', Enumerable.Range(0, (code.Length + 4) / 5).Select(i => code.Substring(i * 5, Math.Min(5, code.Length - (i * 5)))));
    }
}

/// <summary>
/// Seat tokens of a session's seat list (review R4): the course owner removes another organisation's enrolment by a token
/// that names the seat without naming the person; a token is valid for its session only.
/// </summary>
public static class SeatTokens
{
    private const string Purpose = "Rampart.Training.Seat.v1";

    public static string For(IDataProtectionProvider protection, Guid sessionId, long personRecordId)
    {
        ArgumentNullException.ThrowIfNull(protection);
        return protection.CreateProtector(Purpose).Protect(FormattableString.Invariant($"{sessionId:N}|{personRecordId}"));
    }

    public static long? Read(IDataProtectionProvider protection, Guid sessionId, string? token)
    {
        ArgumentNullException.ThrowIfNull(protection);
        if (string.IsNullOrWhiteSpace(token) || token.Length > 500)
        {
            return null;
        }

        try
        {
            var parts = protection.CreateProtector(Purpose).Unprotect(token).Split('|');
            return parts.Length == 2 && parts[0] == sessionId.ToString("N") && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>What the public check of a code shows, and nothing more: the name as printed, the course, the date, the issuer, valid or revoked.</summary>
public sealed record CertificateCheck(string Code, string Name, string Course, DateOnly Date, string IssuingOrganisation, bool Valid, bool Revoked);

/// <summary>The certificate as a one-page A4 PDF with the embedded font, its verification code and the public address that checks it.</summary>
public static class CertificatePdf
{
    public static byte[] Write(CertificateCheck certificate, string verifyUrl, string language, Func<string, string> text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(text);
        using var pdf = new PdfLayout(text("Certificate of completion") + " — " + certificate.Course, language, now);
        pdf.Space(110);
        pdf.Text(text("Certificate of completion"), 26, bold: true, centred: true);
        pdf.Space(30);
        pdf.Text(text("This certifies that"), 12, centred: true);
        pdf.Space(10);
        pdf.Text(certificate.Name, 22, bold: true, centred: true);
        pdf.Space(10);
        pdf.Text(text("completed the course"), 12, centred: true);
        pdf.Space(10);
        pdf.Text(certificate.Course, 16, bold: true, centred: true);
        pdf.Space(20);
        pdf.Text(certificate.Date.ToString("d", CultureInfo.GetCultureInfo(language)), 12, centred: true);
        pdf.Text(certificate.IssuingOrganisation, 12, centred: true);
        pdf.Space(80);
        pdf.Rule();
        pdf.Text(text("Verification code") + ": " + CertificateCodes.Display(certificate.Code), 11, bold: true, centred: true);
        pdf.Text(text("Check this certificate at") + " " + verifyUrl, 9, centred: true);
        if (certificate.Revoked)
        {
            pdf.Space(10);
            pdf.Text(text("Revoked"), 14, bold: true, centred: true, color: PdfSharp.Drawing.XColors.DarkRed);
        }

        return pdf.ToArray();
    }
}
