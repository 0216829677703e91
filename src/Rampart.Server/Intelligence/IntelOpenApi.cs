using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rampart.Server.Intelligence;

/// <summary>
/// Completes the <c>/api/intel/*</c> operations of <c>/openapi/v1.json</c>: a description for every parameter, the
/// query parameters the endpoints read from the query string themselves (search filters, export filters, the CSV
/// mapping), and the ProblemDetails errors each operation can give. Summaries and descriptions are on the endpoints.
/// </summary>
internal static class IntelOpenApi
{
    private const string Prefix = "api/intel";

    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["stixId"] = "A STIX id, such as indicator--5f0c… (SCO ids are deterministic: ipv4-addr--… of an address).",
        ["owner"] = "An organisation id: the copy held by that organisation (404 when the caller may not read it).",
        ["limit"] = "Items per page, 1 to 200 (default 50).",
        ["next"] = "The cursor of the previous page's answer; opaque, valid only for the same filter.",
        ["id"] = "The id (UUID) from the list or the creating answer.",
        ["format"] = "stix, csv, ips, cidrs, domains, urls, hashes, rpz, suricata or misp.",
        ["tlp"] = "A TLP level: clear, green, amber, amber+strict or red.",
        ["audience"] = "Repeatable: network, community:{id}, organisation:{id} or person:{userId}; none shares with the own organisation only.",
        ["published"] = "TLP:CLEAR only: also shown to people who are not logged in.",
        ["excludeDecayed"] = "true leaves out indicators whose score has decayed below their model's threshold.",
        ["networks"] = "Bulk lookup: false answers exact matches only; by default an address or network inside a network an object carries is answered too (match contained-in).",
        ["types"] = "Repeatable: STIX types to receive, such as indicator or malware.",
        ["kinds"] = "Repeatable: added, updated, revoked, withdrawn, sighted or versions-deleted.",
        ["lastEventId"] = "The last event id received (as Last-Event-ID): the stream continues after it.",
    };

    private static readonly (string Name, string Description)[] SearchParameters =
    [
        ("value", "A value (address, network, domain, URL, e-mail, hash …), defanged forms accepted."),
        ("match", "exact (default), network (inside or containing), domain (and its subdomains) or prefix."),
        ("type", "A STIX type, such as indicator."),
        ("label", "A label the object carries."),
        ("tlp", "Only objects of this TLP level."),
        ("owner", "Only objects of this organisation (id)."),
        ("createdFrom", "ISO 8601 time: created at or after."), ("createdTo", "ISO 8601 time: created before."),
        ("modifiedFrom", "ISO 8601 time: modified at or after."), ("modifiedTo", "ISO 8601 time: modified before."),
        ("addedFrom", "ISO 8601 time: added to this node at or after."), ("addedTo", "ISO 8601 time: added to this node before."),
        ("sightedFrom", "ISO 8601 time: last sighted at or after (never-sighted objects do not match)."), ("sightedTo", "ISO 8601 time: last sighted before."),
        ("sort", "added (default, newest to reach this node first), added-oldest, modified, modified-oldest, created or created-oldest (STIX created)."),
        ("q", "Up to 5 words, each starting a word of the name, the description or an external id (such as T1566)."),
        ("excludeDecayed", "true leaves out decayed indicators."),
        ("limit", "Items per page, 1 to 200 (default 50)."),
        ("next", "The cursor of the previous page's answer."),
    ];

    private static readonly (string Name, string Description)[] ExportParameters =
    [
        ("type", "A STIX type; value formats default to indicator."),
        ("label", "Only objects carrying this label."),
        ("tlp", "The most restrictive TLP level to include."),
        ("owner", "Only objects of this organisation (id)."),
        ("addedSince", "ISO 8601 time: added to this node at or after."),
        ("includeWarningListed", "true includes objects with warning-list hits (left out by default)."),
        ("includeDecayed", "true includes decayed indicators (left out by default)."),
    ];

    private static readonly (string Name, string Description)[] CsvParameters =
    [
        ("tlp", "The TLP of what is shared."),
        ("value_column", "Required: the column (header name, or number from 1 with header=false) holding the values."),
        ("kind", "The kind of every value (ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, cve, as); or kind_column."),
        ("kind_column", "The column holding each value's kind (MISP attribute types accepted)."),
        ("label", "Repeatable: labels for every row."), ("label_column", "Repeatable: columns holding labels (several separated by ;)."),
        ("description_column", "The column holding a description."), ("confidence_column", "The column holding a confidence 0–100."),
        ("first_seen_column", "The column holding when the value was first seen."), ("last_seen_column", "The column holding when it was last seen."),
        ("valid_until_column", "The column holding until when the indicator is valid."), ("tlp_column", "The column holding a TLP per row (the stricter wins)."),
        ("header", "false when the file has no header line (default true)."), ("refang", "false keeps defanged values as they are (default true)."),
        ("skip_comments", "false reads lines starting with # as data."), ("delimiter", "The field separator (default ,)."),
    ];

    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Description.RelativePath ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var method = context.Description.HttpMethod ?? "GET";
        operation.Parameters ??= [];
        if (method == "GET" && path == Prefix + "/objects")
        {
            AddQuery(operation, SearchParameters);
        }
        else if (path.StartsWith(Prefix + "/exports/", StringComparison.Ordinal))
        {
            AddQuery(operation, ExportParameters);
        }
        else if (path == Prefix + "/csv")
        {
            AddQuery(operation, CsvParameters);
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            if (string.IsNullOrEmpty(parameter.Description) && parameter.Name is { } name && Descriptions.TryGetValue(name, out var text))
            {
                parameter.Description = text;
            }
        }

        operation.Responses ??= [];
        var write = method is "POST" or "PUT" or "PATCH" or "DELETE";
        var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        Error(operation, 400, "Bad input: errors names each field or parameter at fault; nothing is changed.");
        Error(operation, 401, anonymous
            ? "A wrong, expired or revoked credential (without one, only what is published is answered)."
            : "No credential, or a wrong, expired or revoked one.");
        if (write)
        {
            Error(operation, 403, "The credential may not write: a read-only key, a viewer, or a security action without fresh proof.");
            Error(operation, 413, "The body is larger than this path's limit.");
        }

        if (path.Contains('{', StringComparison.Ordinal) && !path.StartsWith(Prefix + "/exports/", StringComparison.Ordinal))
        {
            Error(operation, 404, "Unknown, or not readable by the caller: both are answered alike.");
        }

        Error(operation, 429, "Too many failed authentications from this address in the window.");
        return Task.CompletedTask;
    }

    private static void AddQuery(OpenApiOperation operation, (string Name, string Description)[] parameters)
    {
        foreach (var (name, description) in parameters)
        {
            if (!operation.Parameters!.Any(p => p.Name == name && p.In == ParameterLocation.Query))
            {
                operation.Parameters!.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description, Required = name == "value_column",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }
    }

    private static void Error(OpenApiOperation operation, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                            ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "Field or parameter → messages (400 only)." },
                        },
                    },
                },
            },
        };
    }
}
