using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rampart.Server.Identity;

/// <summary>
/// Declares in <c>/openapi/v1.json</c> how programs authenticate: <c>Authorization: Bearer rpk_…</c>, and
/// applies it to every <c>/api</c> operation, so generated clients send the key.
/// </summary>
internal static class ApiKeyOpenApi
{
    public const string SchemeName = "ApiKey";

    public static Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "rpk_…",
            Description = "An API key (rpk_…) created by its own user on the API keys page or with POST /api/users/{id}/keys. "
                + "A wrong, expired or revoked key is answered 401 on every path.",
        };
        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) && path != "/api")
            {
                continue;
            }

            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                operation.Security ??= [];
                operation.Security.Add(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
