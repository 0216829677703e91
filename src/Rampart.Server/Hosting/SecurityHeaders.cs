namespace Rampart.Server.Hosting;

public static class SecurityHeaders
{
    // Blazor Server needs its own scripts and a WebSocket back to this origin, nothing else; no page may be framed.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // A response with a complete policy of its own keeps it (an attachment download: default-src 'none'; sandbox).
            // A partial one (Blazor's "frame-ancestors 'self'" on interactive pages) is replaced by the site-wide policy.
            if (!headers.ContentSecurityPolicy.ToString().Contains("default-src", StringComparison.Ordinal))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
