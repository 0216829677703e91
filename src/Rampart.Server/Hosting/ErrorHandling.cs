using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Rampart.Server.Hosting;

/// <summary>
/// Turns request errors into ProblemDetails that name the field and the reason. Unexpected errors are
/// logged and answered with a bare 500, never with their message (it may carry data).
/// </summary>
public sealed partial class ErrorHandling(IProblemDetailsService problems, ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ProblemDetails problem = exception switch
        {
            RequestValidationException invalid => new HttpValidationProblemDetails(invalid.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
            },
            // The field and a plain reason (allowed values of a choice, "not a field of this request"), never a .NET type name.
            BadHttpRequestException { InnerException: JsonException } json => new HttpValidationProblemDetails(BindingErrors.Describe(json, httpContext))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this operation.",
            },
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status400BadRequest && BindingErrors.Describe(bad, httpContext) is { Count: > 0 } fields =>
                new HttpValidationProblemDetails(fields)
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid.",
                },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is not valid.",
                Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? null : BindingErrors.PlainDetail(bad),
            },
            ForbiddenException forbidden => new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Not allowed.",
                Detail = forbidden.Message,
            },
            ConflictException conflict => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict.",
                Detail = conflict.Message,
            },
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." },
        };

        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, exception.GetType().Name, httpContext.Request.Path, exception);
        }

        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (status == StatusCodes.Status500InternalServerError && MachinePath.Of(httpContext) is null)
        {
            return false; // a page: the pipeline re-executes /error, the styled page in the user's language
        }

        httpContext.Response.StatusCode = status;
        // A machine path with its own error document (TAXII) writes it; /api and pages get ProblemDetails.
        if (MachinePath.Of(httpContext) is { } machine && machine != RampartHost.ApiPath)
        {
            var fields = (problem as HttpValidationProblemDetails)?.Errors;
            await machine.WriteError(httpContext, new MachineError(status, problem.Title ?? "", problem.Detail, fields));
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unexpected {ExceptionType} on {Path}")]
    private static partial void LogUnexpected(ILogger logger, string exceptionType, string path, Exception exception);
}
