using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Identity;

namespace Rampart.Server.Capacity.Training;

public enum VerifyOutcome
{
    Found,
    Malformed,
    Unknown,
    Throttled,
}

/// <summary>
/// The public check of a certificate's verification code (page <c>/verify/{code}</c> and <c>GET /api/public/certificates/{code}</c>).
/// Anonymous; guessing is limited like the other anonymous entry points: every malformed or unknown code counts against
/// the client address in the database-backed failure throttle (its own budget, <c>Rampart:Limits:AuthenticationFailuresPerWindow</c>
/// per window), and a spent budget answers 429 before any lookup. With 100-bit codes the budget only stops noise.
/// </summary>
public sealed class CertificateVerification(TrainingQueries queries, FailureThrottle throttle)
{
    private static string Source(string? address) => "certificate|" + (address ?? "");

    public async Task<(VerifyOutcome Outcome, CertificateCheck? Certificate)> CheckAsync(string? typed, string? address, CancellationToken cancellationToken)
    {
        if (throttle.IsOverBudget(await throttle.CountAsync(Source(address), cancellationToken) + 1))
        {
            return (VerifyOutcome.Throttled, null);
        }

        var code = CertificateCodes.Normalise(typed);
        var found = code is null ? null : await queries.VerifyAsync(code, cancellationToken);
        if (found is null)
        {
            await throttle.IncrementAsync(Source(address), cancellationToken);
            return (code is null ? VerifyOutcome.Malformed : VerifyOutcome.Unknown, null);
        }

        return (VerifyOutcome.Found, found);
    }

    /// <summary><c>GET /api/public/certificates/{code}</c>, anonymous.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/public/certificates/{code}", async Task<Results<Ok<CertificateCheck>, NotFound, ProblemHttpResult>> (string code, HttpContext http, CertificateVerification verification, FailureThrottle throttle, CancellationToken ct) =>
        {
            var (outcome, certificate) = await verification.CheckAsync(code, http.Connection.RemoteIpAddress?.ToString(), ct);
            switch (outcome)
            {
                case VerifyOutcome.Found:
                    http.Response.Headers.CacheControl = "no-store";
                    return TypedResults.Ok(certificate! with { Code = CertificateCodes.Display(certificate.Code) });
                case VerifyOutcome.Throttled:
                    throttle.Answer429(http.Response);
                    return TypedResults.Problem("Too many failed checks from this address; try again later.", statusCode: StatusCodes.Status429TooManyRequests);
                case VerifyOutcome.Malformed:
                    return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(new Dictionary<string, string[]>
                    {
                        ["code"] = ["A verification code has 20 letters and digits, for example ABCDE-FGHJK-MNPQR-STVWX."],
                    }) { Status = StatusCodes.Status400BadRequest });
                default:
                    return TypedResults.NotFound();
            }
        }).AllowAnonymous().WithTags("Public")
            .WithSummary("Check a certificate's verification code")
            .WithDescription("Anonymous. Shows only the name as printed, the course, the date, the issuing organisation and whether it is valid or revoked. 404 for an unknown code, 400 for one that cannot be a code; "
                + "failed checks count against the client address and a spent budget answers 429 with Retry-After.");
    }
}
