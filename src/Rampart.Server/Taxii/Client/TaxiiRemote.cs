using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Rampart.Server.Taxii.Client;

/// <summary>The secret part of a connection: a user and password (Basic) or a token (Bearer).</summary>
public sealed record TaxiiCredentials(string? User, string Secret);

/// <summary>Protects and unprotects a connection's credentials with the node's Data Protection keys (kept in the database, shared by app servers).</summary>
public sealed class TaxiiCredentialProtector(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Rampart.TaxiiClient.Credentials.v1");

    public string Protect(TaxiiCredentials credentials) => protector.Protect(JsonSerializer.Serialize(credentials));

    public TaxiiCredentials? Unprotect(string? protectedText)
    {
        if (protectedText is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<TaxiiCredentials>(protector.Unprotect(protectedText));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new TaxiiRemoteException("The stored credentials cannot be read with this node's keys any more; enter them again.", inner: e);
        }
    }
}

/// <summary>
/// A run stopped at the remote server: the message is shown to the organisation's admins as the connection's last
/// error (it never contains the credentials); <see cref="RetryAfter"/> is set on a 429 / 503 with <c>Retry-After</c>.
/// </summary>
public sealed class TaxiiRemoteException : Exception
{
    public TaxiiRemoteException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        RetryAfter = retryAfter;
    }

    public TaxiiRemoteException()
    {
    }

    public TaxiiRemoteException(string message)
        : base(message)
    {
    }

    public TaxiiRemoteException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TimeSpan? RetryAfter { get; }

    /// <summary>The remote's HTTP status when it answered with an error; null when it did not answer (or the answer was unreadable).</summary>
    public HttpStatusCode? Status { get; init; }
}

/// <summary>A page or a status answer as read: its body (bounded) and its headers.</summary>
public sealed record TaxiiAnswer(HttpStatusCode Status, byte[] Body, HttpResponseHeaders Headers);

/// <summary>
/// HTTP to a remote TAXII 2.1 server: the TAXII media type in <c>Accept</c> (and <c>Content-Type</c> of a POST), the
/// connection's credentials, a time limit, a bounded body, and each refusal turned into a clear message (401, 403, 404,
/// 406, 413, 415, 429 with <c>Retry-After</c>, and the remote's TAXII error message when it sends one).
/// </summary>
public sealed class TaxiiRemote(IHttpClientFactory httpClients, IOptions<TaxiiClientOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "Rampart.TaxiiClient";

    public const string MediaType = "application/taxii+json;version=2.1";

    public async Task<TaxiiAnswer> SendAsync(HttpMethod method, Uri url, TaxiiAuthentication authentication, TaxiiCredentials? credentials, byte[]? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var o = options.Value;
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Accept", MediaType);
        if (credentials is not null)
        {
            request.Headers.Authorization = authentication switch
            {
                TaxiiAuthentication.Basic => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Secret}"))),
                TaxiiAuthentication.Bearer => new AuthenticationHeaderValue("Bearer", credentials.Secret),
                _ => null,
            };
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", MediaType);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaxiiRemoteException($"{Where(url)}: no answer within {o.Timeout.TotalSeconds:0} s.", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new TaxiiRemoteException($"{Where(url)}: cannot connect ({e.Message}).", inner: e);
        }

        using (response)
        {
            byte[] content;
            try
            {
                content = await ReadBoundedAsync(response, o.MaxPageBytes, timeout.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TaxiiRemoteException($"{Where(url)}: the answer did not arrive within {o.Timeout.TotalSeconds:0} s.", inner: e);
            }

            if (response.IsSuccessStatusCode)
            {
                return new TaxiiAnswer(response.StatusCode, content, response.Headers);
            }

            var status = (int)response.StatusCode;
            var remote = ErrorMessage(content);
            var explained = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => "the remote server did not accept the credentials (401): check the user, password or token",
                HttpStatusCode.Forbidden => "the credentials are accepted but may not do this on the collection (403): ask the remote server's administrators for read or write access",
                HttpStatusCode.NotFound => "no such API root or collection, or not visible with these credentials (404)",
                HttpStatusCode.NotAcceptable => "the remote server does not answer TAXII 2.1 (406 to application/taxii+json;version=2.1)",
                HttpStatusCode.UnsupportedMediaType => "the remote server does not take TAXII 2.1 envelopes (415)",
                HttpStatusCode.RequestEntityTooLarge => "the envelope is larger than the remote server accepts (413): lower the push batch size",
                HttpStatusCode.TooManyRequests => "the remote server asks to slow down (429)",
                _ => $"the remote server answered {status}",
            };
            TimeSpan? retryAfter = null;
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                retryAfter = RetryAfter(response.Headers.RetryAfter, o.MaxRetryAfter);
                if (retryAfter is { } wait)
                {
                    explained += $"; next attempt after {wait.TotalSeconds:0} s";
                }
            }

            throw new TaxiiRemoteException($"{Where(url)}: {explained}{(remote is null ? "" : $" — {remote}")}.", retryAfter) { Status = response.StatusCode };
        }
    }

    /// <summary>The <c>Retry-After</c> wait (seconds or a date), bounded; null when absent.</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeSpan max)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > max ? max : wait;
    }

    /// <summary>The URL without query (the <c>next</c> token and filters are not worth showing) for messages.</summary>
    private static string Where(Uri url) => url.GetLeftPart(UriPartial.Path);

    /// <summary>"title: description" of a TAXII error message, bounded; null when the body is not one.</summary>
    internal static string? ErrorMessage(byte[] content)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var text = title.GetString()!;
            if (doc.RootElement.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                text += ": " + description.GetString();
            }

            text = new string([.. text.Where(c => !char.IsControl(c))]);
            return text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long max, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > max)
        {
            throw new TaxiiRemoteException($"The remote server's answer is larger than {max} bytes (Rampart:TaxiiClient:MaxPageBytes).");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                throw new TaxiiRemoteException($"The remote server's answer is larger than {max} bytes (Rampart:TaxiiClient:MaxPageBytes).");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A TAXII timestamp as sent in <c>added_after</c>: UTC, microseconds (what Rampart's server and most others keep).</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
